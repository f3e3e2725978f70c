import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningOomiBackend, startOomiBackend } from "./server.js";

// The bodies upstream's CLI (oomi-ai 0.2.50) sends: a timestamp only when its flag was given, and
// `localPort` left out when only --endpoint was. The backend records its own time instead.
const device = { deviceId: "dev-up", deviceToken: "token-up-0123456789" };
const SERVER_NOW = "2026-11-29T12:00:00.000Z";
let running: RunningOomiBackend[] = [];
afterEach(async () => {
  await Promise.all(running.map((b) => b.stop()));
  running = [];
});

async function start() {
  const dataFile = join(await mkdtemp(join(tmpdir(), "oomi-backend-up-")), "store.json");
  const backend = await startOomiBackend({ dataFile, devices: [device], now: () => new Date(SERVER_NOW) });
  running.push(backend);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${backend.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${device.deviceToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  return { backend, call };
}

const runtime = { endpoint: "http://192.168.1.20:4789", healthcheckUrl: "http://127.0.0.1:4789/oomi.health.json", transport: "local" };

describe("local Oomi backend: requests as upstream's CLI sends them", () => {
  it("register, heartbeat and job start/succeed/fail without timestamps get the server's time", async () => {
    const { call } = await start();
    const created = await call("POST", "/v1/personas/managed_create", {
      name: "Up Stream",
      description: "Up Stream",
      templateType: "persona-app",
      promptTemplateVersion: "v1",
      deviceId: device.deviceId,
      slug: "up-stream",
    });
    expect(created.status).toBe(201);
    const registered = await call("POST", "/v1/personas/up-stream/runtime_register", {
      ...runtime,
      localPort: 4789,
      deviceId: device.deviceId,
    });
    expect(registered).toMatchObject({ status: 200, body: { persona: { lifecycle: "running", runtime: { startedAt: SERVER_NOW } } } });
    const beat = await call("POST", "/v1/personas/up-stream/heartbeat", { ...runtime, deviceId: device.deviceId });
    expect(beat).toMatchObject({ status: 200, body: { persona: { runtime: { lastHeartbeatAt: SERVER_NOW, localPort: null } } } });

    const jobId = created.body.personaJob.jobId;
    expect((await call("POST", `/v1/persona_jobs/${jobId}/start`, { deviceId: device.deviceId })).body).toMatchObject({
      job: { status: "running", startedAt: SERVER_NOW },
    });
    const succeeded = await call("POST", `/v1/persona_jobs/${jobId}/succeed`, {
      workspacePath: "/w/up-stream",
      localPort: 4789,
      transport: "local",
      endpoint: runtime.endpoint,
      healthcheckUrl: runtime.healthcheckUrl,
      deviceId: device.deviceId,
    });
    expect(succeeded.body).toMatchObject({ job: { status: "succeeded", completedAt: SERVER_NOW, result: { completedAt: SERVER_NOW } } });

    const second = await call("POST", "/v1/personas/managed_create", { name: "Second One", description: "x" });
    const failed = await call("POST", `/v1/persona_jobs/${second.body.personaJob.jobId}/fail`, {
      code: "npm_failed",
      message: "no network",
    });
    expect(failed.body).toMatchObject({ job: { status: "failed", completedAt: SERVER_NOW, failure: { code: "npm_failed" } } });
    expect((await call("GET", "/v1/personas/second-one")).body.persona.failure).toEqual({
      code: "npm_failed",
      message: "no network",
      at: SERVER_NOW,
    });
  });

  it("still refuses a timestamp that is not ISO 8601, naming the field", async () => {
    const { call } = await start();
    await call("POST", "/v1/personas/managed_create", { name: "Bad Time", description: "x" });
    expect(await call("POST", "/v1/personas/bad-time/heartbeat", { ...runtime, observedAt: "yesterday" })).toMatchObject({
      status: 400,
      body: { field: "observedAt" },
    });
  });

  it("an invite link opens a page naming its device and session; an unknown code is a 404 page", async () => {
    const { backend, call } = await start();
    const invite = await call("POST", "/v1/invite_links/start", { appUrl: backend.url, sessionKey: "agent:main:webchat:channel:oomi" });
    expect(invite.status).toBe(200);
    expect(invite.body.inviteUrl.startsWith(`${backend.url}/invite/`)).toBe(true);
    const page = await fetch(invite.body.inviteUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("agent:main:webchat:channel:oomi");
    expect(html).toContain(device.deviceId);
    expect(html).not.toContain(device.deviceToken);
    expect((await fetch(`${backend.url}/invite/not-a-code`)).status).toBe(404);
    expect((await fetch(`${backend.url}/invite/__proto__`)).status).toBe(404);
  });

  it("the page shows a failed job's reason", async () => {
    const { backend, call } = await start();
    const created = await call("POST", "/v1/personas/managed_create", { name: "Broken One", description: "x" });
    await call("POST", `/v1/persona_jobs/${created.body.personaJob.jobId}/fail`, {
      code: "NPM_INSTALL_FAILED",
      message: "npm error code E404 <not found>",
    });
    const html = await (await fetch(`${backend.url}/`)).text();
    expect(html).toContain("NPM_INSTALL_FAILED: npm error code E404 &#60;not found&#62;");
  });
});
