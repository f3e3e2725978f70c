import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipDeadLetterSchema } from "@clawbridge/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { until } from "../../test/support/daemon-process.js";
import { type NatsServer, startNatsServer } from "../../test/support/nats-server.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { parseConfigObject } from "../route/config-file.js";
import { ClusterRuntime } from "./cluster-runtime.js";

let nats: NatsServer;
let receiver: WebhookReceiver;
let stateDir: string;
const runtimes: ClusterRuntime[] = [];
/** Each test gets its own stream, consumer and bucket names, so tests share one server without sharing jobs. */
let run = 0;

beforeAll(async () => {
  nats = await startNatsServer();
}, 30_000);

afterAll(async () => {
  await nats.dispose();
});

beforeEach(async () => {
  run += 1;
  receiver = new WebhookReceiver();
  await receiver.start();
  stateDir = await mkdtemp(join(tmpdir(), "clawhip-cluster-"));
});

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.stop();
  await receiver.stop();
  await rm(stateDir, { recursive: true, force: true });
});

function configFor(cluster: Record<string, unknown> = {}, delivery: Record<string, number> = {}) {
  const parsed = parseConfigObject({
    routes: [{ event: "*", webhook: `${receiver.url}/api/webhooks/1/abc` }],
    delivery: { backoff_base_ms: 50, backoff_max_ms: 200, breaker_threshold: 3, breaker_cooldown_ms: 300, rate_per_sec: 1000, rate_burst: 100, ...delivery },
    cluster: {
      backend: "nats",
      servers: [nats.url],
      stream: `JOBS_${run}`,
      dead_letter_stream: `DEAD_${run}`,
      consumer: `delivery-${run}`,
      kv_bucket: `state_${run}`,
      subject_prefix: `t${run}`,
      ack_wait_ms: 2_000,
      publish_timeout_ms: 1_000,
      ...cluster,
    },
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

async function start(cluster: Record<string, unknown> = {}, delivery: Record<string, number> = {}): Promise<ClusterRuntime> {
  const config = configFor(cluster, delivery);
  const runtime = await ClusterRuntime.start({ config, cluster: config.cluster as NonNullable<typeof config.cluster>, stateDir, log: () => {} });
  runtimes.push(runtime);
  return runtime;
}

const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const omxEvent = (n: number) => ({
  type: "notify",
  payload: { event_id: eventId(n), context: { normalized_event: "finished", session_name: `cluster-${n}` } },
});
const contents = () => receiver.delivered.map((r) => r.body.content as string);

describe("cluster mode on NATS JetStream", () => {
  it("answers 202 once the stream acknowledged the job, and any daemon delivers it once", async () => {
    const [a, b] = [await start({ daemon_name: "a" }), await start({ daemon_name: "b" })];
    for (let n = 0; n < 20; n += 1) expect((await (n % 2 === 0 ? a : b).accept("event", omxEvent(n))).status).toBe(202);
    await receiver.waitFor((r) => r.length >= 20, 15_000, "20 deliveries");
    await until(() => a.deliverer.delivered + b.deliverer.delivered === 20, 10_000, "both daemons to count their deliveries");
    expect(new Set(contents())).toEqual(new Set(Array.from({ length: 20 }, (_, n) => `omx cluster-${n} finished`)));
    expect(contents()).toHaveLength(20);
  });

  it("the same event posted to two daemons inside the duplicate window makes one delivery", async () => {
    const [a, b] = [await start(), await start()];
    expect((await a.accept("event", omxEvent(7))).status).toBe(202);
    expect((await b.accept("event", omxEvent(7))).status).toBe(202);
    expect((await a.accept("event", omxEvent(8))).status).toBe(202);
    await receiver.waitFor((r) => r.length >= 2, 15_000, "two deliveries");
    await until(() => a.deliverer.delivered + b.deliverer.delivered === 2, 10_000, "the deliveries to be acknowledged");
    const nc = await connect({ servers: nats.url });
    const info = await (await jetstreamManager(nc)).streams.info(`JOBS_${run}`);
    await nc.close();
    expect(info.state.messages).toBe(0);
    expect(contents().sort()).toEqual(["omx cluster-7 finished", "omx cluster-8 finished"]);
  });

  it("honours a 429's retry_after through nak, and the retry reaches the sink", async () => {
    receiver.respond = (_r, i) => (i === 0 ? { status: 429, body: { message: "slow down", retry_after: 0.3 } } : { status: 204 });
    const runtime = await start();
    expect((await runtime.accept("event", omxEvent(1))).status).toBe(202);
    await receiver.waitFor((r) => r.length >= 2, 15_000, "the retry after the 429");
    expect(receiver.requests[0]?.headers["x-test-status"]).toBe("429");
    expect(contents()).toEqual(["omx cluster-1 finished"]);
    expect(runtime.deliverer.dead).toBe(0);
  });

  it("after max_attempts failures the job is terminated and published as a dead letter", async () => {
    receiver.respond = () => ({ status: 503, body: { message: "down" } });
    const runtime = await start({ max_attempts: 3 }, { breaker_threshold: 100 });
    expect((await runtime.accept("event", omxEvent(2))).status).toBe(202);
    await until(() => runtime.deliverer.dead === 1, 20_000, "the job to be dead-lettered");
    expect(receiver.requests).toHaveLength(3);
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const dead = await jsm.streams.getMessage(`DEAD_${run}`, { seq: 1 });
    // The job leaves the work queue once the server has processed the term.
    await until(async () => (await jsm.streams.info(`JOBS_${run}`)).state.messages === 0, 10_000, "the termed job to leave the stream");
    await nc.close();
    const letter = ClawhipDeadLetterSchema.parse(dead?.json());
    expect(letter).toMatchObject({ event_id: eventId(2), attempts: 3 });
    expect(letter.target).not.toContain("abc");
  });

  it("a permanent 4xx is dead-lettered at once", async () => {
    receiver.respond = () => ({ status: 404, body: { message: "Unknown Webhook" } });
    const runtime = await start();
    expect((await runtime.accept("event", omxEvent(3))).status).toBe(202);
    await until(() => runtime.deliverer.dead === 1, 15_000, "the job to be dead-lettered");
    expect(receiver.requests).toHaveLength(1);
  });

  it("invalid events are refused before anything is published", async () => {
    const runtime = await start();
    const reply = await runtime.acceptBatch([{ surface: "event", text: "{not json" }]);
    expect(reply[0]?.status).toBe(400);
  });
});
