import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipClusterStatusSchema, ClawhipDeadLetterSchema } from "@clawbridge/contracts";
import { jetstreamManager } from "@nats-io/jetstream";
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from "@nats-io/jwt";
import { connect, nkeys } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { until } from "../../test/support/daemon-process.js";
import { type NatsServer, startNatsServer } from "../../test/support/nats-server.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { runCli } from "../cli/program.js";
import { parseConfigObject } from "../route/config-file.js";
import { ClusterRuntime } from "./cluster-runtime.js";
import { describeServers } from "./nats-connection.js";

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
    delivery: {
      backoff_base_ms: 50,
      backoff_max_ms: 200,
      breaker_threshold: 3,
      breaker_cooldown_ms: 300,
      rate_per_sec: 1000,
      rate_burst: 100,
      ...delivery,
    },
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
  const runtime = await ClusterRuntime.start({
    config,
    cluster: config.cluster as NonNullable<typeof config.cluster>,
    stateDir,
    log: () => {},
  });
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

  it("a sink slower than ack_wait: in-progress acks keep the job with its daemon, so no other daemon sends it too", async () => {
    // The sink answers only after 2.5 ack waits; without progress acks the job would go to the other daemon.
    receiver.respond = () => new Promise((resolve) => setTimeout(() => resolve({ status: 204 }), 2_500));
    const [a, b] = [await start({ ack_wait_ms: 1_000 }), await start({ ack_wait_ms: 1_000 })];
    expect((await a.accept("event", omxEvent(5))).status).toBe(202);
    await until(() => a.deliverer.delivered + b.deliverer.delivered === 1, 15_000, "the slow delivery to be acknowledged");
    expect(receiver.requests).toHaveLength(1);
    const nc = await connect({ servers: nats.url });
    const consumer = await (await jetstreamManager(nc)).consumers.info(`JOBS_${run}`, `delivery-${run}`);
    await nc.close();
    expect(consumer.num_redelivered).toBe(0);
    expect(consumer.num_ack_pending).toBe(0);
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

  it("evaluates a route's dynamic tokens before the publish, so the job in the stream holds the final text", async () => {
    const parsed = parseConfigObject({
      ...configFor(),
      routes: [
        { event: "custom", webhook: `${receiver.url}/api/webhooks/1/abc`, template: "built {sh:printf hi}", allow_dynamic_tokens: true },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.error);
    const runtime = await ClusterRuntime.start({
      config: parsed.config,
      cluster: parsed.config.cluster as NonNullable<typeof parsed.config.cluster>,
      stateDir,
      log: () => {},
    });
    runtimes.push(runtime);
    expect((await runtime.accept("event", { type: "custom", payload: { message: "m" } })).status).toBe(202);
    await receiver.waitFor((r) => r.length >= 1, 15_000, "the templated delivery");
    expect(contents()).toEqual(["built hi"]);
  });

  it("invalid events are refused before anything is published", async () => {
    const runtime = await start();
    const reply = await runtime.acceptBatch([{ surface: "event", text: "{not json" }]);
    expect(reply[0]?.status).toBe(400);
  });

  it("clawhip cluster status: stream depth, pending per target, redeliveries, dead letters and daemons seen", async () => {
    receiver.respond = (request) =>
      request.path.includes("/gone/") ? { status: 404, body: { message: "Unknown Webhook" } } : { status: 503, body: {} };
    const routes = [
      { event: "session.finished", webhook: `${receiver.url}/api/webhooks/1/secret-token-a` },
      { event: "session.started", webhook: `${receiver.url}/api/webhooks/gone/secret-token-b` },
    ];
    const config = parseConfigObject({ ...configFor({ daemon_name: "status-a" }), routes });
    if (!config.ok) throw new Error(config.error);
    const runtime = await ClusterRuntime.start({ config: config.config, cluster: config.config.cluster as never, stateDir, log: () => {} });
    runtimes.push(runtime);
    for (let n = 0; n < 5; n += 1) expect((await runtime.accept("event", omxEvent(n))).status).toBe(202);
    const started = { type: "notify", payload: { event_id: eventId(99), context: { normalized_event: "started", session_name: "s" } } };
    expect((await runtime.accept("event", started)).status).toBe(202);
    await until(() => runtime.deliverer.dead === 1, 15_000, "the 404 to be dead-lettered");
    await receiver.waitFor((r) => r.filter((x) => x.path.includes("/1/")).length >= 4, 15_000, "failing attempts");

    const path = join(stateDir, "clawhip.toml");
    const c = config.config.cluster as NonNullable<typeof config.config.cluster>;
    await writeFile(
      path,
      `[cluster]\nbackend = "nats"\nservers = ["${nats.url}"]\nstream = "${c.stream}"\ndead_letter_stream = "${c.dead_letter_stream}"\nconsumer = "${c.consumer}"\nkv_bucket = "${c.kv_bucket}"\nsubject_prefix = "${c.subject_prefix}"\n`,
    );
    let io = recordingIo();
    const status = async () => {
      io = recordingIo();
      expect(await runCli(["cluster", "status", "--config", path, "--json"], io)).toBe(0);
      return ClawhipClusterStatusSchema.parse(JSON.parse(io.out.join("")));
    };
    // Redeliveries are counted while a failed job waits out its backoff in the consumer.
    let seen = await status();
    await until(
      async () => {
        seen = await status();
        return seen.consumer.redelivered > 0;
      },
      15_000,
      "a redelivery in the consumer's count",
    );
    expect(seen.stream.messages).toBe(5);
    expect(seen.dead_letters).toBe(1);
    const failing = seen.targets.find((t) => t.pending === 5);
    expect(failing?.failures).toBeGreaterThanOrEqual(1);
    expect(seen.targets).toHaveLength(2);
    expect(seen.daemons.map((d) => [d.name, d.alive])).toEqual([["status-a", true]]);
    expect(io.out.join("")).not.toContain("secret-token");

    const human = recordingIo();
    expect(await runCli(["cluster", "status", "--config", path], human)).toBe(0);
    expect(human.out.join("")).toMatch(/stream JOBS_\d+: 5 job\(s\) waiting/);
    expect(human.out.join("")).toContain("dead letters: 1");
  });

  it("clawhip cluster status without a [cluster] section is a usage error", async () => {
    const path = join(stateDir, "plain.toml");
    await writeFile(path, '[defaults]\nformat = "compact"\n');
    const io = recordingIo();
    expect(await runCli(["cluster", "status", "--config", path, "--json"], io)).toBe(2);
    expect(JSON.parse(io.out.join(""))).toMatchObject({ ok: false, error: { code: "no_cluster" } });
  });
});

/**
 * A runtime with these `[cluster]` credentials takes an event (202) and delivers it; the same server
 * refuses a runtime without them.
 */
async function expectOnlyWith(server: NatsServer, credentials: Record<string, string>, n: number): Promise<void> {
  const config = parseConfigObject({
    routes: [{ event: "*", webhook: `${receiver.url}/api/webhooks/1/x` }],
    cluster: { backend: "nats", servers: [server.url], ...credentials },
  });
  if (!config.ok) throw new Error(config.error);
  const runtime = await ClusterRuntime.start({ config: config.config, cluster: config.config.cluster as never, stateDir, log: () => {} });
  try {
    expect((await runtime.accept("event", omxEvent(n))).status).toBe(202);
    await receiver.waitFor((r) => r.length >= 1, 15_000, "the delivery");
  } finally {
    await runtime.stop();
  }
  const without = parseConfigObject({ cluster: { backend: "nats", servers: [server.url] } });
  if (!without.ok) throw new Error(without.error);
  await expect(
    ClusterRuntime.start({ config: without.config, cluster: without.config.cluster as never, stateDir, log: () => {} }),
  ).rejects.toThrow(/cannot connect to NATS/);
}

describe("cluster credentials", () => {
  let secured: NatsServer;
  const token = "s3cret-nats-token-for-the-test";
  beforeAll(async () => {
    secured = await startNatsServer({ args: ["--auth", token] });
  }, 30_000);
  afterAll(async () => {
    await secured.dispose();
  });

  it("a token from CLAWHIP_NATS_TOKEN connects; a wrong one fails with an error that never shows it", async () => {
    const path = join(stateDir, "secured.toml");
    await writeFile(path, `[cluster]\nbackend = "nats"\nservers = ["${secured.url}"]\n`);
    const denied = recordingIo({ env: { CLAWHIP_NATS_TOKEN: "wrong-token-value" } });
    expect(await runCli(["cluster", "status", "--config", path, "--json"], denied)).toBe(1);
    const refusal = JSON.parse(denied.out.join(""));
    expect(refusal).toMatchObject({ ok: false, error: { code: "cluster_unavailable" } });
    expect(`${denied.out.join("")}${denied.err.join("")}`).not.toContain("wrong-token-value");

    const config = parseConfigObject({
      routes: [{ event: "*", webhook: `${receiver.url}/api/webhooks/1/x` }],
      cluster: { backend: "nats", servers: [secured.url] },
    });
    if (!config.ok) throw new Error(config.error);
    const runtime = await ClusterRuntime.start({
      config: config.config,
      cluster: config.config.cluster as never,
      stateDir,
      log: () => {},
      credentialsEnv: { CLAWHIP_NATS_TOKEN: token },
    });
    runtimes.push(runtime);
    expect((await runtime.accept("event", omxEvent(1))).status).toBe(202);
    await receiver.waitFor((r) => r.length >= 1, 15_000, "the delivery");

    const allowed = recordingIo({ env: { CLAWHIP_NATS_TOKEN: token } });
    expect(await runCli(["cluster", "status", "--config", path, "--json"], allowed)).toBe(0);
    expect(allowed.out.join("")).not.toContain(token);
  });

  it("an nkey seed file authenticates against a server that knows only the nkey's public key", async () => {
    const user = nkeys.createUser();
    const conf = join(stateDir, "nkey.conf");
    await writeFile(conf, `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }\n`);
    const server = await startNatsServer({ args: ["-c", conf] });
    try {
      const seedFile = join(stateDir, "user.nk");
      await writeFile(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
      await expectOnlyWith(server, { nkey_file: seedFile }, 4);
    } finally {
      await server.dispose();
    }
  });

  it("a .creds file (user JWT and seed) authenticates against a server in operator (JWT) mode", async () => {
    // An operator, the system account, one account with JetStream and a user of it, all signed here.
    const operator = nkeys.createOperator();
    const system = nkeys.createAccount();
    const account = nkeys.createAccount();
    const user = nkeys.createUser();
    const unlimited = { conn: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, leaf: -1, wildcards: true };
    const jetstreamLimits = { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 };
    const accountJwt = await encodeAccount("clawhip", account, { limits: { ...unlimited, ...jetstreamLimits } }, { signer: operator });
    const conf = join(stateDir, "operator.conf");
    await writeFile(
      conf,
      [
        `operator: ${await encodeOperator("test", operator, { system_account: system.getPublicKey() })}`,
        `system_account: ${system.getPublicKey()}`,
        "resolver: MEMORY",
        `resolver_preload: { ${account.getPublicKey()}: ${accountJwt}, ${system.getPublicKey()}: ${await encodeAccount("SYS", system, {}, { signer: operator })} }`,
        "",
      ].join("\n"),
    );
    const server = await startNatsServer({ args: ["-c", conf] });
    try {
      const credsFile = join(stateDir, "clawhip.creds");
      await writeFile(credsFile, fmtCreds(await encodeUser("clawhip", user, account), user), { mode: 0o600 });
      await expectOnlyWith(server, { creds_file: credsFile }, 5);
      // The status command shows no secret.
      const path = join(stateDir, "creds.toml");
      await writeFile(path, `[cluster]\nbackend = "nats"\nservers = ["${server.url}"]\ncreds_file = "${credsFile}"\n`);
      const io = recordingIo();
      expect(await runCli(["cluster", "status", "--config", path, "--json"], io)).toBe(0);
      const seed = new TextDecoder().decode(user.getSeed());
      expect(`${io.out.join("")}${io.err.join("")}`).not.toContain(seed);
    } finally {
      await server.dispose();
    }
  });

  it("refuses a config with two kinds of credentials", () => {
    const parsed = parseConfigObject({ cluster: { backend: "nats", token: "a-token", creds_file: "/x.creds" } });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toContain("at most one of token, nkey_file, creds_file");
  });

  it("refuses an unknown backend, a server that is not a URL, a stream name with a dot and a prototype key as daemon name", () => {
    const refused = (cluster: Record<string, unknown>) => {
      const parsed = parseConfigObject({ cluster: { backend: "nats", ...cluster } });
      return parsed.ok ? "" : parsed.error;
    };
    expect(refused({ backend: "kafka" })).toContain('only "nats" is supported');
    expect(refused({ servers: ["not a url"] })).toContain("a server URL");
    expect(refused({ stream: "a.b" })).toContain("letters, digits");
    expect(refused({ daemon_name: "__proto__" })).toContain("reserved name");
    expect(refused({ daemon_name: "constructor" })).toContain("reserved name");
    expect(refused({})).toBe("");
    // A batch window is one dispatcher's; in cluster mode any daemon sends any job.
    const batched = parseConfigObject({
      cluster: { backend: "nats" },
      dispatch: { routine_batch_window_secs: 5, ci_batch_window_secs: 30 },
    });
    expect(batched.ok ? "" : batched.error).toContain("dispatch.routine_batch_window_secs: batching is not available in cluster mode");
    expect(batched.ok ? "" : batched.error).toContain("dispatch.ci_batch_window_secs: batching is not available in cluster mode");
  });

  it("logs and errors show the servers without a password in their URLs", () => {
    expect(describeServers(["nats://alice:pa55word@10.0.0.1:4222", "tls://n2:4222"])).toBe("nats://…@10.0.0.1:4222, tls://n2:4222");
  });
});
