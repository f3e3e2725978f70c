import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE, installLightFixture, startTestBackend } from "../../test/support.js";
import { stopManagedRuntime } from "../runtime/stop.js";
import oomiPlugin from "./index.js";

let backend: RunningOomiBackend;
let root: string;
let host: LocalHost;
const silent = { info() {}, warn() {}, error() {}, debug() {} };

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${backend.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${DEVICE.deviceToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, any>;
}

/** Polls a condition with a bound: the bridge runs on real timers here. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // The plugin reads the gateway's environment; keep its persona runtimes on loopback.
  process.env.OOMI_PERSONA_BIND_HOST = "127.0.0.1";
  ({ backend, root } = await startTestBackend());
  host = new LocalHost({
    stateDir: root,
    port: 0,
    logger: silent,
  });
  await host.load(oomiPlugin, {
    config: {
      backendUrl: backend.url,
      deviceId: DEVICE.deviceId,
      deviceToken: DEVICE.deviceToken,
      workspaceRoot: root,
      pollIntervalMs: 100,
      healthTimeoutMs: 15_000,
    },
  });
  await host.start();
});
afterAll(async () => {
  await host.stop();
  await stopManagedRuntime("plugin-job", root).catch(() => {});
  await backend.stop();
  delete process.env.OOMI_PERSONA_BIND_HOST;
});

// Oomi chat is the `oomi` channel's and runs through core's inbound pipeline, which only a gateway
// has: test/e2e/channel.test.ts covers it inside a real one. Here, the persona-job service.
describe("oomi plugin in the local host", () => {
  it("consumes a queued persona_job as a service", async () => {
    await installLightFixture(root, "plugin-job", { defaultPort: 45400 });
    const created = await call("POST", "/v1/personas/managed_create", { slug: "plugin-job", name: "Plugin Job", description: "d" });
    const job = await eventually(async () => {
      const current = (await call("GET", `/v1/persona_jobs/${created.personaJob.jobId}`)).job;
      return current.status === "succeeded" || current.status === "failed" ? current : undefined;
    });
    expect(job.status).toBe("succeeded");
  });

  it("rejects an invalid config naming the field", async () => {
    const other = new LocalHost({ stateDir: root, port: 0, logger: silent });
    await expect(other.load(oomiPlugin, { config: { backendUrl: "not a url" } })).rejects.toThrow(/backendUrl/);
  });
});
