import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ClawhipHealthSchema } from "@clawbridge/contracts";
import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { type NatsServer, startNatsServer } from "../support/nats-server.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const pluginDir = resolve(import.meta.dirname, "../..");
const receiver = new WebhookReceiver();
let nats: NatsServer;
let gateway: RunningGateway;
let model: RunningDemoModel;
let daemon: DaemonProcess;
let dir: string;

/** A real OpenClaw gateway with the packed clawhip plugin and a standalone daemon, both in cluster mode on one stream. */
beforeAll(async () => {
  await receiver.start();
  nats = await startNatsServer();
  dir = await mkdtemp(join(tmpdir(), "clawhip-gateway-cluster-"));
  const clawhipConfig = {
    routes: [{ event: "session.*", filter: { tool: "omx" }, webhook: `${receiver.url}/api/webhooks/gw/cluster` }],
    cluster: { backend: "nats", servers: [nats.url], daemon_name: "gateway" },
  };
  model = await startDemoModel();
  gateway = await startOpenClawGateway({
    model: { baseUrl: model.baseUrl, modelId: model.modelId },
    plugins: [{ dir: pluginDir, config: { emitLifecycle: false, config: clawhipConfig } }],
  });
  await writeFile(
    join(dir, "clawhip.toml"),
    `[[routes]]\nevent = "session.*"\nfilter = { tool = "omx" }\nwebhook = "${receiver.url}/api/webhooks/gw/cluster"\n\n[cluster]\nbackend = "nats"\nservers = ["${nats.url}"]\ndaemon_name = "daemon"\n`,
  );
  daemon = await startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")]);
}, 180_000);

afterAll(async () => {
  daemon?.child.kill("SIGKILL");
  await gateway?.stop();
  await model?.close();
  await receiver.stop();
  await nats?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** A client-supplied event id: what makes a retry on another host the same event. */
const omxEvent = (n: number) =>
  JSON.stringify({
    type: "notify",
    payload: {
      event_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
      context: { normalized_event: "finished", session_name: `gw-${n}` },
    },
  });

describe("clawhip in a real OpenClaw gateway, in cluster mode with a standalone daemon", () => {
  it("the gateway's plugin and the daemon share one stream: events posted to either are delivered once", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${gateway.token}` };
    let health: unknown;
    await until(
      async () => {
        const response = await fetch(`${gateway.url}/clawhip/health`, { headers });
        if (response.status === 200) health = await response.json();
        return response.status === 200;
      },
      60_000,
      "the clawhip service to start inside the gateway",
    );
    expect(ClawhipHealthSchema.parse(health).cluster).toMatchObject({ daemon: "gateway", connected: true });

    // The same event to the gateway and to the daemon: one job, one delivery.
    expect((await gateway.post("/clawhip/event", omxEvent(1), headers)).status).toBe(202);
    const toDaemon = await fetch(`${daemon.url}/event`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: omxEvent(1),
    });
    expect(toDaemon.status).toBe(202);
    for (let n = 2; n <= 6; n += 1) expect((await gateway.post("/clawhip/event", omxEvent(n), headers)).status).toBe(202);

    await until(
      async () => {
        const [viaGateway, viaDaemon] = [
          ClawhipHealthSchema.parse(await (await fetch(`${gateway.url}/clawhip/health`, { headers })).json()),
          await daemon.health(),
        ];
        return viaGateway.pending === 0 && viaDaemon.pending === 0 && viaGateway.delivered + viaDaemon.delivered === 6;
      },
      30_000,
      "six acknowledged deliveries between the gateway and the daemon",
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}: ${JSON.stringify(receiver.requests.map((r) => [r.headers["x-clawhip-event-id"], r.body.content]))} ${daemon.stderr().slice(-2000)}`,
      );
    });
    expect(receiver.delivered.map((r) => r.body.content).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `omx gw-${n} finished`));
  });
});
