import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipHealthSchema } from "@clawbridge/contracts";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../../test/support/daemon-process.js";
import { type NatsServer, startNatsServer } from "../../test/support/nats-server.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import clawhip from "../index.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const receiver = new WebhookReceiver();
let nats: NatsServer;
let stateDir: string;
const hosts: LocalHost[] = [];

/** Two gateways, each with the clawhip plugin in cluster mode on the same nats-server. */
beforeAll(async () => {
  await receiver.start();
  nats = await startNatsServer();
  stateDir = await mkdtemp(join(tmpdir(), "clawhip-plugin-cluster-"));
  for (const [i, routePrefix] of ["/clawhip", "/hip"].entries()) {
    const host = new LocalHost({ stateDir: join(stateDir, `gw-${i}`), logger: quiet, agent: () => ({ text: "done" }) });
    await host.load(clawhip, {
      config: {
        routePrefix,
        emitLifecycle: false,
        config: {
          routes: [{ event: "session.*", webhook: `${receiver.url}/api/webhooks/1/plugin` }],
          cluster: { backend: "nats", servers: [nats.url], daemon_name: `gateway-${i}` },
        },
      },
    });
    await host.start();
    hosts.push(host);
  }
}, 60_000);

afterAll(async () => {
  for (const host of hosts) await host.stop();
  await receiver.stop();
  await nats.dispose();
  await rm(stateDir, { recursive: true, force: true });
});

async function post(host: LocalHost, prefix: string, n: number): Promise<number> {
  const response = await fetch(`${host.url}${prefix}/event`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${host.token}` },
    body: JSON.stringify({
      type: "notify",
      payload: {
        event_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
        context: { normalized_event: "finished", session_name: `p-${n}` },
      },
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe("clawhip OpenClaw plugin in cluster mode (LocalHost)", () => {
  it("two gateways share one JetStream stream: the same event posted to both is delivered once", async () => {
    const [a, b] = hosts as [LocalHost, LocalHost];
    expect(await post(a, "/clawhip", 1)).toBe(202);
    expect(await post(b, "/hip", 1)).toBe(202);
    for (let n = 2; n < 12; n += 1) expect(await post(n % 2 === 0 ? a : b, n % 2 === 0 ? "/clawhip" : "/hip", n)).toBe(202);
    await receiver.waitFor((r) => r.length >= 11, 15_000, "eleven deliveries");
    const healthOf = (host: LocalHost, prefix: string) =>
      fetch(`${host.url}${prefix}/health`, { headers: { authorization: `Bearer ${host.token}` } }).then(async (r) =>
        ClawhipHealthSchema.parse(await r.json()),
      );
    let health = await Promise.all([healthOf(a, "/clawhip"), healthOf(b, "/hip")]);
    // Both gateways idle with eleven deliveries acknowledged between them: nothing else is on its way.
    await until(
      async () => {
        health = await Promise.all([healthOf(a, "/clawhip"), healthOf(b, "/hip")]);
        return health.every((h) => h.pending === 0) && health.reduce((sum, h) => sum + h.delivered, 0) === 11;
      },
      15_000,
      "eleven acknowledged deliveries",
    );
    expect(health.map((h) => h.cluster?.daemon)).toEqual(["gateway-0", "gateway-1"]);
    expect(health.every((h) => h.cluster?.connected)).toBe(true);
    expect(receiver.delivered).toHaveLength(11);
    expect(new Set(receiver.delivered.map((r) => r.body.content)).size).toBe(11);
    expect(receiver.delivered.filter((r) => r.body.content === "omx p-1 finished")).toHaveLength(1);
  });
});
