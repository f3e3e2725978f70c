import { resolve } from "node:path";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OomiBackendClient } from "../../src/backend/client.js";
import { stopManagedRuntime } from "../../src/runtime/stop.js";
import { DEVICE, installLightFixture, startTestBackend } from "../support.js";

const pluginDir = resolve(import.meta.dirname, "../..");

let backend: RunningOomiBackend;
let root: string;
let gateway: RunningGateway | undefined;
let client: OomiBackendClient;

async function jobOf(jobId: string): Promise<{ status: string; failure?: { code: string } }> {
  const response = await fetch(`${backend.url}/v1/persona_jobs/${jobId}`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } });
  return ((await response.json()) as { job: { status: string; failure?: { code: string } } }).job;
}

/** Polls the backend until the job settles; the bound is the test's, not a sleep to synchronise on. */
async function settled(jobId: string, boundMs = 60_000) {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const job = await jobOf(jobId);
    if (job.status === "succeeded" || job.status === "failed") return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}; gateway log:\n${(await gateway?.logs())?.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  ({ backend, root } = await startTestBackend());
  client = new OomiBackendClient({ baseUrl: backend.url, deviceToken: DEVICE.deviceToken, deviceId: DEVICE.deviceId });
  await installLightFixture(root, "gateway-ok", { defaultPort: 45400 });
  await installLightFixture(root, "gateway-bad", { defaultPort: 45430, neverHealthy: true });
  gateway = await startOpenClawGateway({
    plugins: [
      {
        dir: pluginDir,
        config: {
          backendUrl: backend.url,
          deviceId: DEVICE.deviceId,
          deviceToken: DEVICE.deviceToken,
          workspaceRoot: root,
          pollIntervalMs: 250,
          healthTimeoutMs: 4_000,
        },
      },
    ],
    env: { OOMI_PERSONA_PUBLIC_HOST: "192.168.50.161", OOMI_PERSONA_BIND_HOST: "127.0.0.1" },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await stopManagedRuntime("gateway-ok", root).catch(() => undefined);
  await backend?.stop();
});

describe("the oomi bridge inside a real OpenClaw gateway", () => {
  it("executes a queued create job: launched, registered, succeeded", async () => {
    const created = await client.managedCreate({ slug: "gateway-ok", name: "Gateway OK", description: "runs in the gateway" });
    expect(await settled(created.personaJob.jobId)).toMatchObject({ status: "succeeded" });
    const persona = (await (
      await fetch(`${backend.url}/v1/personas/gateway-ok`, { headers: { authorization: `Bearer ${DEVICE.deviceToken}` } })
    ).json()) as {
      persona: { lifecycle: string; runtime: { healthcheckUrl: string } };
    };
    expect(persona.persona.lifecycle).toBe("running");
    expect(await (await fetch(persona.persona.runtime.healthcheckUrl)).json()).toMatchObject({ ok: true });
  });

  it("reports a job whose runtime never becomes healthy as failed", async () => {
    const created = await client.managedCreate({ slug: "gateway-bad", name: "Gateway Bad", description: "never healthy" });
    expect(await settled(created.personaJob.jobId)).toMatchObject({ status: "failed", failure: { code: "PERSONA_JOB_EXECUTION_FAILED" } });
  });
});
