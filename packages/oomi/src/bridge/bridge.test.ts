import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { manualClock } from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE, installLightFixture, startTestBackend } from "../../test/support.js";
import { OomiBackendClient } from "../backend/client.js";
import { stopManagedRuntime } from "../runtime/stop.js";
import { type BridgeEvent, OomiBridge } from "./bridge.js";

let backend: RunningOomiBackend;
let root: string;
let home: string;
let client: OomiBackendClient;
const env = () => ({
  PATH: process.env.PATH ?? "",
  HOME: home,
  OOMI_PERSONA_PUBLIC_HOST: "192.168.50.161",
  OOMI_PERSONA_BIND_HOST: "127.0.0.1",
});

async function authedGet(path: string) {
  const response = await fetch(`${backend.url}${path}`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } });
  return response.json() as Promise<Record<string, any>>;
}

beforeAll(async () => {
  ({ backend, root, home } = await startTestBackend());
  client = new OomiBackendClient({ baseUrl: backend.url, deviceToken: DEVICE.deviceToken, deviceId: DEVICE.deviceId });
});
afterAll(() => backend.stop());

describe("OomiBridge against the local backend", () => {
  it("consumes the queued create job: launches, registers, succeeds and acks delivered", async () => {
    await installLightFixture(root, "queued-ok", { defaultPort: 45200 });
    const created = await client.managedCreate({ slug: "queued-ok", name: "Queued OK", description: "d" });
    const events: BridgeEvent[] = [];
    const bridge = new OomiBridge({ client, workspaceRoot: root, env: env(), healthTimeoutMs: 15_000, onEvent: (e) => events.push(e) });
    expect(await bridge.pollOnce()).toBe(1);
    const job = (await authedGet(`/v1/persona_jobs/${created.personaJob.jobId}`)).job;
    expect(job).toMatchObject({
      status: "succeeded",
      result: { transport: "local", endpoint: expect.stringMatching(/^http:\/\/192\.168\.50\.161:452\d\d$/) },
    });
    const persona = (await authedGet("/v1/personas/queued-ok")).persona;
    expect(persona).toMatchObject({ lifecycle: "running", runtime: { healthcheckUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/) } });
    expect(await (await fetch(persona.runtime.healthcheckUrl)).json()).toMatchObject({ ok: true });
    const queue = (await authedGet("/v1/channel/plugin/queue")).messages;
    expect(queue.find((m: any) => m.message.metadata.jobId === created.personaJob.jobId)).toMatchObject({ state: "delivered" });
    expect(events.map((e) => e.type)).toEqual(["job", "ack"]);
    expect(await bridge.pollOnce()).toBe(0);
    await stopManagedRuntime("queued-ok", root);
  });

  it("reports a failing job failed with PERSONA_JOB_EXECUTION_FAILED and acks it failed", async () => {
    await installLightFixture(root, "queued-bad", { defaultPort: 45230, neverHealthy: true });
    const created = await client.managedCreate({ slug: "queued-bad", name: "Queued Bad", description: "d" });
    const bridge = new OomiBridge({ client, workspaceRoot: root, env: env(), healthTimeoutMs: 1_500 });
    await bridge.pollOnce();
    const job = (await authedGet(`/v1/persona_jobs/${created.personaJob.jobId}`)).job;
    expect(job).toMatchObject({
      status: "failed",
      failure: { code: "PERSONA_JOB_EXECUTION_FAILED", message: expect.stringContaining("health") },
    });
    const queued = (await authedGet("/v1/channel/plugin/queue")).messages.find(
      (m: any) => m.message.metadata.jobId === created.personaJob.jobId,
    );
    expect(queued).toMatchObject({ state: "failed", failureCode: "persona_job_delivery_failed" });
    expect(bridge.counters.jobsFailed).toBe(1);
  });

  it("leaves chat queued for the oomi channel: it polls persona_job messages only", async () => {
    const response = await fetch(`${backend.url}/v1/channel/user/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEVICE.deviceToken}`, "content-type": "application/json" },
      body: JSON.stringify({ conversationKey: "conv-1", userId: "user-1", content: "hello bridge" }),
    });
    const { messageId } = (await response.json()) as { messageId: string };
    const bridge = new OomiBridge({ client, workspaceRoot: root, env: env() });
    expect(await bridge.pollOnce()).toBe(0);
    const queued = (await authedGet("/v1/channel/plugin/queue")).messages.find((m: any) => m.message.messageId === messageId);
    expect(queued).toMatchObject({ state: "pending" });
  });

  it("schedules polls and the 30 s supervision heartbeat from the injected clock", async () => {
    await installLightFixture(root, "supervised", { defaultPort: 45260 });
    const created = await client.managedCreate({ slug: "supervised", name: "Supervised", description: "d" });
    const clock = manualClock(Date.parse("2026-11-21T08:00:00Z"));
    const events: BridgeEvent[] = [];
    let notify: () => void = () => {};
    const bridge = new OomiBridge({
      client,
      workspaceRoot: root,
      env: env(),
      clock,
      pollIntervalMs: 5_000,
      healthTimeoutMs: 15_000,
      onEvent: (e) => {
        events.push(e);
        notify();
      },
    });
    const next = (type: BridgeEvent["type"]) =>
      new Promise<BridgeEvent>((resolve) => {
        notify = () => {
          const found = events.find((e) => e.type === type);
          if (found) resolve(found);
        };
        notify();
      });
    bridge.start();
    expect(clock.scheduled().sort((a, b) => a - b)).toEqual([0, 30_000]);
    clock.advance(0);
    expect(await next("ack")).toMatchObject({ outcome: "delivered" });
    expect((await authedGet(`/v1/persona_jobs/${created.personaJob.jobId}`)).job.status).toBe("succeeded");
    clock.advance(30_000);
    const supervised = (await next("supervise")) as Extract<BridgeEvent, { type: "supervise" }>;
    expect(supervised.personas).toContainEqual({ slug: "supervised", relaunched: false, heartbeat: true });
    expect((await authedGet("/v1/personas/supervised")).persona.runtime.lastHeartbeatAt).toBe("2026-11-21T08:00:30.000Z");
    await bridge.stop();
    expect(clock.scheduled()).toEqual([]);
    await stopManagedRuntime("supervised", root);
  });
});
