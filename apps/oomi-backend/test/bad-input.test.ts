import { mkdtemp, readFile, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OomiBackendStoreSchema } from "@clawbridge/contracts";
import {
  idleSockets,
  PROTOTYPE_KEYS,
  pick,
  pool,
  prototypeNames,
  type Random,
  rawExchange,
  residentBytes,
  seededRandom,
  statusOf,
  trickle,
} from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningOomiBackend, startOomiBackend } from "../src/index.js";

/**
 * The bad-input suite of the Oomi backend: every route with mutated methods, paths, ids (prototype
 * keys, broken escapes, very long ids), tokens and bodies, then malformed request lines, slow senders
 * and a flood of idle connections. Nothing may be a 5xx except the connection cap's deliberate 503,
 * nothing may reach Object.prototype, memory stays bounded and the server is healthy afterwards.
 */

const DEVICE = { deviceId: "fuzz-device", deviceToken: "fuzz-token-0123456789abcdef" };
const MAX_CONNECTIONS = 48;
const TIMEOUTS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 };
const STORM_SIZE = 3000;

/** Ids as they are written into a path (some are deliberately broken escapes). */
const PATH_IDS = [
  ...PROTOTYPE_KEYS,
  "%5F%5Fproto%5F%5F",
  "constructor%00",
  "%zz",
  "%ff",
  "%",
  "%00",
  "..",
  "%2e%2e",
  "a%2Fb",
  "%F0%9F%92%A5",
  "UPPER-Case",
  "a".repeat(129),
  "b".repeat(4000),
  "c".repeat(20_000),
  "[",
  "pj_0123456789abcdef",
  "no-such-persona",
];
/** Ids as they are written into a body. */
const BODY_IDS = [...PROTOTYPE_KEYS, "", " ", "\u0000", "../..", "💥", "x".repeat(300), "y".repeat(20_000), "no-such-persona", "a/b"];
const WEIRD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, [], {}, [1, [2]], { a: { b: {} } }, "", "\ud800", "null", "{}"];

const runtime = {
  endpoint: "http://127.0.0.1:4790",
  healthcheckUrl: "http://127.0.0.1:4790/h",
  transport: "local",
  localPort: 4790,
};
const at = "2026-01-01T00:00:00Z";

interface RouteSeed {
  method: "GET" | "POST";
  path: string;
  body?: Record<string, unknown>;
}

/** Every route of the backend; `{slug}`, `{jobId}`, `{messageId}`, `{pairCode}` and `{deviceId}` are id slots. */
const ROUTES: RouteSeed[] = [
  { method: "GET", path: "/" },
  { method: "GET", path: "/v1/personas" },
  { method: "GET", path: "/v1/personas/{slug}" },
  { method: "POST", path: "/v1/personas", body: { persona: { id: "{slug}", name: "Synced" } } },
  { method: "POST", path: "/v1/personas/managed_create", body: { name: "Fuzz Persona", description: "d", slug: "{slug}" } },
  { method: "POST", path: "/v1/personas/{slug}/runtime_register", body: { ...runtime, startedAt: at } },
  { method: "POST", path: "/v1/personas/{slug}/heartbeat", body: { ...runtime, observedAt: at } },
  { method: "POST", path: "/v1/personas/{slug}/fail", body: { code: "boom", message: "failed" } },
  { method: "GET", path: "/v1/persona_jobs/{jobId}" },
  { method: "POST", path: "/v1/persona_jobs/{jobId}/start", body: { startedAt: at } },
  { method: "POST", path: "/v1/persona_jobs/{jobId}/succeed", body: { workspacePath: "/w", completedAt: at } },
  { method: "POST", path: "/v1/persona_jobs/{jobId}/fail", body: { code: "boom", message: "failed", completedAt: at } },
  { method: "POST", path: "/v1/channel/plugin/poll", body: { limit: 5, metadataType: "persona_job" } },
  { method: "POST", path: "/v1/channel/plugin/acks", body: { messageId: "{messageId}", outcome: "delivered" } },
  {
    method: "POST",
    path: "/v1/channel/plugin/messages",
    body: { messageId: "{messageId}", conversationKey: "c", sessionKey: "s", content: "hi", source: "openclaw.channel" },
  },
  { method: "GET", path: "/v1/channel/plugin/messages" },
  { method: "GET", path: "/v1/channel/plugin/queue" },
  { method: "POST", path: "/v1/channel/user/messages", body: { conversationKey: "c", userId: "u", content: "hello" } },
  { method: "GET", path: "/api/gateway/managed/config" },
  { method: "POST", path: "/api/gateway/managed/pair/start", body: { label: "fuzz" } },
  { method: "POST", path: "/v1/pair/claim", body: { pairCode: "{pairCode}", deviceId: "{deviceId}" } },
  { method: "POST", path: "/v1/invite_links/start", body: { sessionKey: "s", appUrl: "http://127.0.0.1:1" } },
];

interface Case {
  method: string;
  path: string;
  token: string | undefined;
  authorization?: string;
  body?: string | Buffer;
}

let backend: RunningOomiBackend;
let dir: string;
const logLines: string[] = [];
/** Real ids seeded before the storm, so some mutated requests reach existing records. */
const real = { slug: "seed-persona", jobId: "", messageId: "", pairCode: "" };

/** Fills the id slots of a path (ids as written, broken escapes included) or of a JSON body (ids JSON-escaped). */
function fillIds(text: string, random: Random, inPath: boolean): string {
  return text.replace(/\{(slug|jobId|messageId|pairCode|deviceId)\}/g, (_, slot: string) => {
    const id =
      random() < 0.35
        ? slot === "deviceId"
          ? `device-${Math.floor(random() * 1000)}`
          : real[slot as keyof typeof real]
        : pick(random, inPath ? PATH_IDS : BODY_IDS);
    return inPath ? id : JSON.stringify(id).slice(1, -1);
  });
}

function mutateValue(random: Random, value: unknown, depth = 0): unknown {
  if (depth > 6 || random() < 0.12) return pick(random, WEIRD_VALUES);
  if (Array.isArray(value)) return value.map((v) => mutateValue(random, v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.08) continue;
      if (r < 0.12) out[pick(random, PROTOTYPE_KEYS)] = v;
      else out[key] = mutateValue(random, v, depth + 1);
    }
    return out;
  }
  if (typeof value === "string" && random() < 0.3) return pick(random, BODY_IDS);
  return random() < 0.2 ? pick(random, WEIRD_VALUES) : value;
}

function body(random: Random, seed: RouteSeed, index: number): string | Buffer | undefined {
  const valid = seed.body === undefined ? "{}" : fillIds(JSON.stringify(seed.body), random, false);
  switch (index % 14) {
    case 0:
      return valid.slice(0, Math.floor(random() * valid.length));
    case 1: {
      const bytes = Buffer.from(valid);
      for (let i = 0; i < 3; i += 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      return bytes;
    }
    case 2:
      return `${"[".repeat(2000)}1${"]".repeat(2000)}`;
    case 3:
      return JSON.stringify(pick(random, WEIRD_VALUES));
    case 4:
      // JSON.parse makes `__proto__` an own key; it must stay data, never become a prototype.
      return valid.replace(
        /^\{/,
        '{"__proto__":{"status":"polluted","failure":"polluted"},"constructor":{"prototype":{"status":"polluted"}},',
      );
    case 5:
      return Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]);
    case 6:
      return seed.method === "GET" ? undefined : valid;
    default:
      return JSON.stringify(mutateValue(random, JSON.parse(valid)));
  }
}

function mutatePath(random: Random, path: string): string {
  switch (Math.floor(random() * 10)) {
    case 0:
      return `${path}/`;
    case 1:
      return `/${path}`;
    case 2:
      return `${path}?q=${pick(random, ["%zz", "[]", "a%", "%00", "x".repeat(100)])}`;
    case 3:
      return path.toUpperCase();
    case 4:
      return path.replace(/\/v1\//, "/v1//");
    case 5:
      return pick(random, ["//[", "//a:99999/", "/%", "/v1/%zz/x", "/v1/personas/../personas", "/\\..\\"]);
    default:
      return path;
  }
}

function generate(random: Random, index: number): Case {
  const seed = pick(random, ROUTES);
  let path = fillIds(seed.path, random, true);
  if (random() < 0.15) path = mutatePath(random, path);
  const roll = random();
  const method =
    roll < 0.06
      ? pick(random, ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
      : roll < 0.1
        ? seed.method === "GET"
          ? "POST"
          : "GET"
        : seed.method;
  const tokenRoll = random();
  const token =
    tokenRoll < 0.8
      ? DEVICE.deviceToken
      : tokenRoll < 0.85
        ? undefined
        : pick(random, ["wrong", `${DEVICE.deviceToken}x`, "x".repeat(8000)]);
  const c: Case = { method, path, token };
  if (tokenRoll > 0.97) c.authorization = pick(random, ["Basic Zm9vOmJhcg==", "Bearer", "Bearer  ", `bearer ${DEVICE.deviceToken} extra`]);
  if (method !== "GET" && method !== "HEAD") {
    const b = body(random, seed, index);
    if (b !== undefined) c.body = b;
  }
  return c;
}

function send(agent: Agent, c: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { "content-type": "application/json" };
    if (c.authorization) headers.authorization = c.authorization;
    else if (c.token !== undefined) headers.authorization = `Bearer ${c.token}`;
    if (c.body !== undefined) headers["content-length"] = Buffer.byteLength(c.body);
    const req = request({ host: "127.0.0.1", port: backend.port, path: c.path, method: c.method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(c.body);
  });
}

async function json(method: string, path: string, payload?: unknown, token: string | null = DEVICE.deviceToken) {
  const response = await fetch(`${backend.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
}

async function healthy(): Promise<void> {
  expect((await json("GET", "/api/gateway/managed/config", undefined, null)).status).toBe(200);
  expect((await json("GET", "/v1/personas")).status).toBe(200);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "oomi-backend-fuzz-"));
  backend = await startOomiBackend({
    dataFile: join(dir, "store.json"),
    devices: [DEVICE],
    log: (line) => logLines.push(line),
    maxConnections: MAX_CONNECTIONS,
    ...TIMEOUTS,
  });
  const created = await json("POST", "/v1/personas/managed_create", { name: "Seed Persona", description: "seed" });
  real.jobId = created.body.personaJob.jobId;
  real.messageId = (await json("POST", "/v1/channel/plugin/poll", { limit: 1 })).body.messages[0].messageId;
  real.pairCode = (await json("POST", "/api/gateway/managed/pair/start", { label: "seed" }, null)).body.pairCode;
});

afterAll(async () => {
  await backend?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("oomi-backend bad-input suite", () => {
  const prototypeBefore = prototypeNames();
  const rssBefore = residentBytes();

  it("answers thousands of mutated requests on every route with 2xx/4xx only and never touches Object.prototype", async () => {
    const random = seededRandom(20261121);
    const cases = Array.from({ length: STORM_SIZE }, (_, i) => generate(random, i));
    for (let i = 0; i < 6; i += 1) {
      cases.push({
        method: "POST",
        path: "/v1/channel/user/messages",
        token: DEVICE.deviceToken,
        body: `{"conversationKey":"c","userId":"u","content":"${"y".repeat(1024 * 1024)}"}`,
      });
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const statuses = new Map<number, number>();
    await pool(cases.length, 8, async (index) => {
      const c = cases[index] as Case;
      const status = await send(agent, c);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500 || status < 200) {
        throw new Error(`${status} for ${c.method} ${c.path.slice(0, 120)}: ${String(c.body ?? "").slice(0, 200)}`);
      }
    });
    agent.destroy();

    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(cases.length);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(statuses.get(413)).toBeGreaterThanOrEqual(6);
    for (const status of [200, 400, 401, 404, 405]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(20);
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).status).toBeUndefined();
    expect(logLines.filter((l) => l.includes("failed"))).toEqual([]);
    await healthy();
  });

  it("answers malformed request lines, targets and headers with a 4xx or a close, never a 5xx", async () => {
    const auth = `Authorization: Bearer ${DEVICE.deviceToken}\r\n`;
    const requests: Array<string | Buffer> = [
      "GET //[ HTTP/1.1\r\nHost: x\r\n\r\n",
      `HEAD /v1/personas HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `HEAD /v1/persona_jobs/${"c".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      "GET //a:99999/ HTTP/1.1\r\nHost: x\r\n\r\n",
      `GET /v1/personas/%zz HTTP/1.1\r\nHost: x\r\n${auth}\r\n`,
      `POST /v1/persona_jobs/__proto__/fail HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 2\r\n\r\n{}`,
      "GET http://evil.example/v1/personas HTTP/1.1\r\nHost: x\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1 trailing\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nNoColonHeader\r\n\r\n",
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"h".repeat(40_000)}\r\n\r\n`,
      `GET /v1/personas/${"p".repeat(30_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      "POST /v1/personas HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST /v1/personas HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      `POST /v1/personas HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\n\r\nnot-hex\r\n{}\r\n0\r\n\r\n`,
      `GET /v1/personas HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u007f\u0001\r\n\r\n`,
      Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
      Buffer.from("\r\n\r\n\r\n"),
    ];
    for (const bytes of requests) {
      const reply = await rawExchange(backend.port, bytes, { halfClose: true });
      const status = statusOf(reply);
      expect(status < 500, `${status} for ${String(bytes).slice(0, 60)}`).toBe(true);
      // Every answer carries the JSON error envelope, except a HEAD's (it has no body).
      if (status !== 0 && !String(bytes).startsWith("HEAD /v1/personas "))
        expect(reply, String(bytes).slice(0, 60)).toMatch(/"code":"[a-z_]+"/);
    }
    expect(logLines.filter((l) => l.includes("failed"))).toEqual([]);
    expect(prototypeNames()).toEqual(prototypeBefore);
    await healthy();
  });

  it("cuts off slow senders (trickled headers and bodies) with a 408 and keeps serving meanwhile", async () => {
    // One byte every 100 ms for as long as the server keeps the socket open.
    const trickled = async (prefix: string) => (await trickle(backend.port, prefix, { drip: "x", intervalMs: 100 })).reply;
    const headers = Array.from({ length: 12 }, () => trickled("GET /v1/personas HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    const bodies = Array.from({ length: 12 }, () =>
      trickled(
        `POST /v1/channel/user/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${DEVICE.deviceToken}\r\n` +
          'content-type: application/json\r\ncontent-length: 100000\r\n\r\n{"conversationKey":"c","userId":"u","content":"',
      ),
    );
    await healthy();
    const replies = await Promise.all([...headers, ...bodies]);
    for (const reply of replies) expect(statusOf(reply)).toBe(408);
    expect(logLines.filter((l) => l.includes("failed"))).toEqual([]);
    await healthy();
  });

  it("refuses connections past the cap with a deliberate 503, closes idle ones, then serves again", async () => {
    const held = await idleSockets(backend.port, MAX_CONNECTIONS);
    const refused = await Promise.all(
      Array.from({ length: 8 }, () => rawExchange(backend.port, "GET /v1/personas HTTP/1.1\r\nHost: x\r\n\r\n", { halfClose: true })),
    );
    for (const reply of refused) {
      expect(statusOf(reply)).toBe(503);
      expect(reply).toContain('"code":"too_many_connections"');
    }

    // The idle sockets never send a byte: the header timeout closes every one of them.
    await Promise.all(held.map(({ closed }) => closed));
    // The server counts a socket as gone once it has seen its close too: poll, bounded.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i += 1) status = (await json("GET", "/v1/personas")).status;
    expect(status).toBe(200);
    await healthy();
  });

  it("stays within its memory bound and keeps a valid store with no prototype keys", async () => {
    const growth = residentBytes() - rssBefore;
    expect(growth).toBeLessThan(100 * 1024 * 1024);
    const stored = OomiBackendStoreSchema.parse(JSON.parse(await readFile(join(dir, "store.json"), "utf8")));
    for (const record of [stored.personas, stored.jobs, stored.devices, stored.pairCodes]) {
      expect(Object.keys(record).filter((key) => PROTOTYPE_KEYS.includes(key))).toEqual([]);
    }
    expect(Object.keys(stored.pairCodes).length).toBeLessThanOrEqual(100);
    const created = await json("POST", "/v1/personas/managed_create", { name: "After Storm", description: "x" });
    expect(created.status).toBe(201);
    expect(logLines.join("\n")).not.toContain(DEVICE.deviceToken);
  });
});
