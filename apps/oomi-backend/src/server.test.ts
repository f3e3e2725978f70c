import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningOomiBackend, startOomiBackend } from "./server.js";

const device = { deviceId: "dev-a", deviceToken: "token-a-0123456789" };
let running: RunningOomiBackend[] = [];
afterEach(async () => {
  await Promise.all(running.map((b) => b.stop()));
  running = [];
});

async function start(dataFile?: string, now?: () => Date) {
  const file = dataFile ?? join(await mkdtemp(join(tmpdir(), "oomi-backend-")), "store.json");
  const backend = await startOomiBackend({ dataFile: file, devices: [device], ...(now ? { now } : {}) });
  running.push(backend);
  const call = async (method: string, path: string, body?: unknown, token: string | null = device.deviceToken) => {
    const response = await fetch(`${backend.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
  };
  return { backend, call, file };
}

describe("local Oomi backend", () => {
  it("creates a managed persona, enqueues its persona_job, and answers 409 on a duplicate slug", async () => {
    const { call } = await start();
    const created = await call("POST", "/v1/personas/managed_create", { name: "Tokyo Guide", description: "Trip", deviceId: "dev-a" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      persona: { slug: "tokyo-guide", lifecycle: "pending" },
      personaJob: { status: "queued", deviceId: "dev-a" },
    });
    const poll = await call("POST", "/v1/channel/plugin/poll", { limit: 10, metadataType: "persona_job" });
    expect(poll.body.messages).toHaveLength(1);
    expect(poll.body.messages[0].metadata).toMatchObject({
      type: "persona_job",
      jobId: created.body.personaJob.jobId,
      payload: { jobType: "create_persona_runtime", persona: { slug: "tokyo-guide", name: "Tokyo Guide" } },
    });
    expect((await call("POST", "/v1/channel/plugin/poll", { limit: 10 })).body.messages).toHaveLength(0);
    const dup = await call("POST", "/v1/personas/managed_create", { name: "Tokyo Guide", description: "again" });
    expect(dup).toMatchObject({ status: 409, body: { code: "persona_exists" } });
  });

  it("answers 401 without a valid token, 404 for unknown personas, 400 naming the bad field", async () => {
    const { call } = await start();
    expect((await call("GET", "/v1/personas", undefined, null)).status).toBe(401);
    expect((await call("GET", "/v1/personas", undefined, "wrong-token")).status).toBe(401);
    expect(await call("GET", "/v1/personas/nobody")).toMatchObject({ status: 404, body: { code: "persona_not_found" } });
    expect(
      (
        await call("POST", "/v1/personas/nobody/heartbeat", {
          endpoint: "http://192.168.1.2:4789",
          healthcheckUrl: "http://127.0.0.1:4789/h",
          transport: "local",
          localPort: 4789,
          observedAt: "2026-01-01T00:00:00Z",
        })
      ).status,
    ).toBe(404);
    const bad = await call("POST", "/v1/personas/managed_create", { name: "", description: "x" });
    expect(bad).toMatchObject({ status: 400, body: { field: "name" } });
    await call("POST", "/v1/personas/managed_create", { name: "A Persona", description: "x" });
    const badPort = await call("POST", "/v1/personas/a-persona/runtime_register", {
      endpoint: "http://192.168.1.2:4789",
      healthcheckUrl: "http://127.0.0.1:4789/h",
      transport: "local",
      localPort: 99999,
      startedAt: "2026-01-01T00:00:00Z",
    });
    expect(badPort).toMatchObject({ status: 400, body: { field: "localPort" } });
    expect(await call("POST", "/v1/personas/managed_create", "{nope")).toMatchObject({ status: 400, body: { code: "invalid_json" } });
    expect((await call("POST", "/v1/personas/managed_create", JSON.stringify({ name: "x".repeat(2_000_000) }))).status).toBe(413);
  });

  it("keeps everything across a restart, in a 0600 file, and lists it on the read-only page", async () => {
    const first = await start();
    await first.call("POST", "/v1/personas/managed_create", { name: "Durable One", description: "x" });
    await first.call("POST", "/v1/personas/durable-one/runtime_register", {
      endpoint: "http://192.168.1.2:4790",
      healthcheckUrl: "http://127.0.0.1:4790/h",
      transport: "local",
      localPort: 4790,
      startedAt: "2026-01-01T00:00:00Z",
    });
    await first.backend.stop();
    running = [];
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    const second = await start(first.file);
    expect((await second.call("GET", "/v1/personas/durable-one")).body.persona).toMatchObject({
      lifecycle: "running",
      runtime: { localPort: 4790 },
    });
    const page = await (await fetch(`${second.backend.url}/`)).text();
    expect(page).toContain("durable-one");
    expect(page).toContain("http://192.168.1.2:4790");
    expect(page).not.toContain(device.deviceToken);
  });

  it("starts empty and keeps the evidence when the store file is corrupt", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oomi-backend-"));
    const file = join(dir, "store.json");
    await writeFile(file, "{ broken");
    const { call } = await start(file);
    expect((await call("GET", "/v1/personas")).body.personas).toEqual([]);
    const { readdir } = await import("node:fs/promises");
    expect((await readdir(dir)).some((f) => f.startsWith("store.json.corrupt-"))).toBe(true);
  });

  it("re-offers an unacked message after its lease and settles it on ack", async () => {
    let now = Date.parse("2026-11-21T08:00:00Z");
    const { call } = await start(undefined, () => new Date(now));
    await call("POST", "/v1/personas/managed_create", { name: "Lease Test", description: "x" });
    const [message] = (await call("POST", "/v1/channel/plugin/poll", {})).body.messages;
    now += 61_000;
    const again = (await call("POST", "/v1/channel/plugin/poll", {})).body.messages;
    expect(again.map((m: any) => m.messageId)).toEqual([message.messageId]);
    expect((await call("POST", "/v1/channel/plugin/acks", { messageId: message.messageId, outcome: "failed" })).body).toMatchObject({
      state: "failed",
      failureCode: "persona_job_delivery_failed",
    });
    now += 61_000;
    expect((await call("POST", "/v1/channel/plugin/poll", {})).body.messages).toEqual([]);
    expect((await call("POST", "/v1/channel/plugin/acks", { messageId: "nope", outcome: "delivered" })).status).toBe(404);
  });

  it("pairs a device with a one-time code and accepts its token", async () => {
    const { call, file } = await start();
    const { pairCode } = (await call("POST", "/api/gateway/managed/pair/start", { label: "laptop" }, null)).body;
    const claim = await call("POST", "/v1/pair/claim", { pairCode: pairCode.toLowerCase(), deviceId: "dev-b" }, null);
    expect(claim.status).toBe(200);
    expect((await call("GET", "/v1/personas", undefined, claim.body.deviceToken)).status).toBe(200);
    expect((await call("POST", "/v1/pair/claim", { pairCode, deviceId: "dev-c" }, null)).body).toMatchObject({ field: "pairCode" });
    expect(JSON.parse(await readFile(file, "utf8")).devices["dev-b"]).toBeDefined();
  });
});
