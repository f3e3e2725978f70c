import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { afterEach, describe, expect, it } from "vitest";
import { type OomiBackendOptions, type RunningOomiBackend, startOomiBackend } from "./server.js";

const device = { deviceId: "dev-a", deviceToken: "token-a-0123456789" };
let running: RunningOomiBackend[] = [];
afterEach(async () => {
  await Promise.all(running.map((b) => b.stop()));
  running = [];
});

async function start(options: Partial<OomiBackendOptions> = {}) {
  const file = options.dataFile ?? join(await mkdtemp(join(tmpdir(), "oomi-backend-")), "store.json");
  const backend = await startOomiBackend({ devices: [device], ...options, dataFile: file });
  running.push(backend);
  const call = async (method: string, path: string, body?: unknown, token: string | null = device.deviceToken) => {
    const response = await fetch(`${backend.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
  };
  const stored = async () => JSON.parse(await readFile(file, "utf8"));
  return { backend, call, file, stored };
}

/** Sends raw bytes on a fresh socket and resolves with everything the server wrote before it closed. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

const get = (target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${device.deviceToken}\r\nConnection: close\r\n\r\n`;
const jsonOf = (reply: string) => JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4));
const jobFailure = { code: "boom", message: "failed", completedAt: "2026-01-01T00:00:00Z" };

describe("oomi-backend: no request can crash it (item 1)", () => {
  it("item 1: GET //[ and a %zz escape are a 400 JSON error envelope, and the server keeps serving", async () => {
    const { backend, call } = await start();
    for (const target of ["//[", "/v1/personas/%zz", "/v1/persona_jobs/%ff", "/v1/personas/a%"]) {
      const reply = await rawRequest(backend.port, get(target));
      expect(reply, target).toMatch(/^HTTP\/1\.1 400/);
      expect(jsonOf(reply), target).toMatchObject({ code: "bad_request", error: expect.any(String) });
    }
    const posted = await call("POST", "/v1/persona_jobs/%zz/fail", jobFailure);
    expect(posted).toMatchObject({ status: 400, body: { code: "bad_request" } });
    // `//a:99999/` is a well-formed path (not a host): no route has it.
    const hostLike = await rawRequest(backend.port, get("//a:99999/"));
    expect(hostLike).toMatch(/^HTTP\/1\.1 404/);
    expect(jsonOf(hostLike)).toMatchObject({ code: "not_found" });
    expect((await call("GET", "/v1/personas")).status).toBe(200);
  });

  it("item 1: an unexpected failure is a 500 for that request only, logged once without the token", async () => {
    const lines: string[] = [];
    let explode = false;
    const { call } = await start({
      log: (line) => lines.push(line),
      now: () => {
        if (explode) throw new Error("clock unavailable");
        return new Date("2026-01-01T00:00:00Z");
      },
    });
    explode = true;
    const failed = await call("POST", "/v1/personas/managed_create", { name: "Clockless", description: "x" });
    expect(failed).toEqual({ status: 500, body: { error: "internal error", code: "internal" } });
    explode = false;
    expect((await call("POST", "/v1/personas/managed_create", { name: "Clockless", description: "x" })).status).toBe(201);
    expect(lines.filter((l) => l.includes("failed"))).toHaveLength(1);
    expect(lines.join("\n")).toContain("POST /v1/personas/managed_create");
    expect(lines.join("\n")).not.toContain(device.deviceToken);
  });
});

describe("oomi-backend: ids never reach Object.prototype (item 2)", () => {
  it("item 2: __proto__, constructor and toString as job ids are a 400 and Object.prototype stays clean", async () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const { call } = await start();
    for (const id of ["__proto__", "constructor", "toString", "%5F%5Fproto%5F%5F", "hasOwnProperty"]) {
      for (const action of ["fail", "start", "succeed"]) {
        const body =
          action === "fail" ? jobFailure : { startedAt: jobFailure.completedAt, completedAt: jobFailure.completedAt, workspacePath: "/w" };
        const answer = await call("POST", `/v1/persona_jobs/${id}/${action}`, body);
        expect(answer, `${action} ${id}`).toMatchObject({ status: 400, body: { code: "invalid_field", field: "jobId" } });
      }
      expect((await call("GET", `/v1/persona_jobs/${id}`)).status, id).toBe(400);
    }
    expect(await call("POST", "/v1/persona_jobs/pj_0123456789abcdef/fail", jobFailure)).toMatchObject({
      status: 404,
      body: { code: "job_not_found" },
    });
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).status).toBeUndefined();
    expect(({} as Record<string, unknown>).failure).toBeUndefined();
  });

  it("item 2: constructor as a persona slug or a device id is refused, and the store keeps no such key", async () => {
    const { call, stored } = await start();
    expect(await call("GET", "/v1/personas/constructor")).toMatchObject({ status: 400, body: { field: "slug" } });
    expect(await call("POST", "/v1/personas/constructor/fail", { code: "x", message: "y" })).toMatchObject({
      status: 400,
      body: { field: "slug" },
    });
    expect((await call("POST", "/v1/personas", { persona: { id: "constructor", name: "C" } })).body).toMatchObject({ field: "persona.id" });
    expect((await call("POST", "/v1/personas/managed_create", { name: "Constructor", description: "x" })).body).toMatchObject({
      field: "name",
    });
    for (const deviceId of ["__proto__", "constructor", "toString"]) {
      const { pairCode } = (await call("POST", "/api/gateway/managed/pair/start", { label: "x" }, null)).body;
      const claim = await call("POST", "/v1/pair/claim", { pairCode, deviceId }, null);
      expect(claim, deviceId).toMatchObject({ status: 400, body: { field: "deviceId" } });
    }
    const file = await stored();
    expect(Object.keys(file.devices)).toEqual(["dev-a"]);
    expect(Object.keys(file.personas)).toEqual([]);
    expect(Object.getPrototypeOf(file.devices)).toBe(Object.prototype);
  });

  it("item 2: a store file keyed by a prototype key is set aside, not loaded", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oomi-backend-"));
    const file = join(dir, "store.json");
    const job = { jobId: "constructor", status: "queued", deviceId: "dev-a", jobType: "create_persona_runtime", slug: "a" };
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        personas: {},
        jobs: { constructor: { ...job, startedAt: null, completedAt: null, result: null, failure: null } },
        messages: [],
        outbox: [],
        devices: {},
        pairCodes: {},
      }),
    );
    const { backend } = await start({ dataFile: file });
    expect(backend.store.data.jobs.size).toBe(0);
    expect((await readdir(dir)).some((f) => f.startsWith("store.json.corrupt-"))).toBe(true);
  });
});

describe("oomi-backend: pairing cannot take a device over (item 3)", () => {
  it("item 3: claiming a paired device id is a 409 unless the claim proves its current token", async () => {
    const { call } = await start();
    const code = async () => (await call("POST", "/api/gateway/managed/pair/start", { label: "laptop" }, null)).body.pairCode as string;
    const first = await call("POST", "/v1/pair/claim", { pairCode: await code(), deviceId: "dev-b" }, null);
    expect(first.status).toBe(200);
    const owner = first.body.deviceToken as string;
    await call("POST", "/v1/channel/user/messages", { conversationKey: "c", userId: "u", content: "for dev-b" }, owner);

    const pairCode = await code();
    for (const deviceId of ["dev-b", "dev-a"]) {
      const taken = await call("POST", "/v1/pair/claim", { pairCode, deviceId }, null);
      expect(taken, deviceId).toMatchObject({ status: 409, body: { code: "device_exists", field: "deviceId" } });
      expect(JSON.stringify(taken.body)).not.toContain(owner);
    }
    const wrong = await call("POST", "/v1/pair/claim", { pairCode, deviceId: "dev-b", currentDeviceToken: `${owner}x` }, null);
    expect(wrong.status).toBe(409);
    // The owner still has its token and its queue.
    expect((await call("GET", "/v1/channel/plugin/queue", undefined, owner)).body.messages).toHaveLength(1);
    expect((await call("GET", "/v1/personas", undefined, device.deviceToken)).status).toBe(200);

    // The refused claims did not use the code up; proving the token re-pairs and rotates it.
    const repaired = await call("POST", "/v1/pair/claim", { pairCode, deviceId: "dev-b", currentDeviceToken: owner }, null);
    expect(repaired.status).toBe(200);
    expect(repaired.body.deviceToken).not.toBe(owner);
    expect((await call("GET", "/v1/personas", undefined, owner)).status).toBe(401);
    expect((await call("GET", "/v1/channel/plugin/queue", undefined, repaired.body.deviceToken)).body.messages).toHaveLength(1);
  });

  it("item 3: a pair code works once, expires, and expired codes are purged from the store", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    const { call, stored } = await start({ now: () => new Date(now) });
    const start1 = async () => (await call("POST", "/api/gateway/managed/pair/start", { label: "x" }, null)).body.pairCode as string;
    const used = await start1();
    expect((await call("POST", "/v1/pair/claim", { pairCode: used, deviceId: "dev-b" }, null)).status).toBe(200);
    expect((await call("POST", "/v1/pair/claim", { pairCode: used, deviceId: "dev-c" }, null)).body).toMatchObject({ field: "pairCode" });

    const stale = await start1();
    now += 10 * 60_000;
    expect((await call("POST", "/v1/pair/claim", { pairCode: stale, deviceId: "dev-d" }, null)).body).toMatchObject({ field: "pairCode" });
    const fresh = await start1();
    expect(Object.keys((await stored()).pairCodes)).toEqual([fresh]);
  });

  it("item 3: pending pair codes are bounded: past the limit pair/start is a 429 and the store file is not rewritten", async () => {
    let now = Date.parse("2026-03-01T10:00:00Z");
    let writes = 0;
    const { call, stored } = await start({
      now: () => new Date(now),
      maxPendingPairCodes: 3,
      writeStoreFile: (path, text) => {
        writes += 1;
        return writeFileAtomic(path, text, { secret: true });
      },
    });
    for (let i = 0; i < 3; i += 1)
      expect((await call("POST", "/api/gateway/managed/pair/start", { label: `l${i}` }, null)).status).toBe(200);
    const writesBefore = writes;
    for (let i = 0; i < 20; i += 1) {
      const refused = await call("POST", "/api/gateway/managed/pair/start", { label: "more" }, null);
      expect(refused).toMatchObject({ status: 429, body: { code: "too_many_pair_codes" } });
      expect(refused.body.error).toContain("3 pair codes are pending");
    }
    expect(writes).toBe(writesBefore);
    expect(Object.keys((await stored()).pairCodes)).toHaveLength(3);
    now += 10 * 60_000;
    expect((await call("POST", "/api/gateway/managed/pair/start", { label: "later" }, null)).status).toBe(200);
    expect(Object.keys((await stored()).pairCodes)).toHaveLength(1);
  });
});

describe("oomi-backend: slow senders and connection floods (item 9)", () => {
  it("item 9: a trickled body is cut off by the request timeout with a 408 and changes nothing", async () => {
    const lines: string[] = [];
    const { backend, call } = await start({ headersTimeoutMs: 200, requestTimeoutMs: 300, log: (line) => lines.push(line) });
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(backend.port, "127.0.0.1");
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => {
        text += chunk;
      });
      socket.on("error", reject);
      socket.write(
        "POST /v1/personas/managed_create HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n" +
          `authorization: Bearer ${device.deviceToken}\r\ncontent-length: 100000\r\n\r\n{"name":"Slow","description":"`,
      );
      // The slow sender: one byte every 50 ms for as long as the server keeps the socket open.
      const trickle = setInterval(() => socket.write("x"), 50);
      socket.on("close", () => {
        clearInterval(trickle);
        resolve(text);
      });
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(jsonOf(reply)).toMatchObject({ code: "request_timeout" });
    expect((await call("GET", "/v1/personas")).body.personas).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("item 9: past maxConnections a new connection gets a 503 JSON refusal, and serving resumes after", async () => {
    const { backend, call } = await start({ maxConnections: 2 });
    const held = [connect(backend.port, "127.0.0.1"), connect(backend.port, "127.0.0.1")];
    await Promise.all(held.map((s) => new Promise((resolve) => s.once("connect", resolve))));
    const refused = await rawRequest(backend.port, get("/v1/personas"));
    expect(refused).toMatch(/^HTTP\/1\.1 503/);
    expect(jsonOf(refused)).toMatchObject({ code: "too_many_connections", error: expect.stringContaining("2 open connections") });
    await Promise.all(held.map((s) => new Promise((resolve) => s.once("close", resolve).end())));
    // The server counts a socket as gone once it sees the close: poll, bounded.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i += 1)
      status = await call("GET", "/v1/personas").then(
        (r) => r.status,
        () => 0,
      );
    expect(status).toBe(200);
  });
});

describe("oomi-backend: a crash leaves no temp files behind (item 11)", () => {
  it("item 11: temp files of a write cut short by kill -9 are removed at start, other files are kept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oomi-backend-"));
    const file = join(dir, "store.json");
    await writeFile(join(dir, "store.json.4242.0a1b2c3d4e5f.tmp"), "{ half a store");
    await writeFile(join(dir, "store.json.99.ff.tmp"), "");
    await writeFile(join(dir, "store.json.bak"), "kept");
    await writeFile(join(dir, "other.json.4242.0a1b.tmp"), "kept");
    const lines: string[] = [];
    await start({ dataFile: file, log: (line) => lines.push(line) });
    expect((await readdir(dir)).sort()).toEqual(["other.json.4242.0a1b.tmp", "store.json", "store.json.bak"]);
    expect(lines.join("\n")).toContain("removed 2 temp file(s)");
  });
});
