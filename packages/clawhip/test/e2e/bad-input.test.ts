import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  idleSockets,
  PROTOTYPE_KEYS,
  pick,
  pool,
  type Random,
  rawExchange,
  residentBytes,
  seededRandom,
  statusOf,
  trickle,
} from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const PATHS = [
  "/event",
  "/api/event",
  "/events",
  "/api/omx/hook",
  "/omx/hook",
  "/api/native/hook",
  "/native/hook",
  "/api/native/v1/hook",
  "/native/v1/hook",
];
const ALLOWED = new Set([202, 400, 413, 415, 422]);
const MAX_CONNECTIONS = 64;
const HEADERS_TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 2500;
const receiver = new WebhookReceiver();
let dir: string;
let daemon: DaemonProcess;
let rssAtStart: number;

const WEIRD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "💥🚀",
  "\u202eevil",
  "é".repeat(300),
  "x".repeat(20_000),
  "issue-",
  "#",
  "/pull/",
  "null",
  "{}",
];
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  2 ** 64,
  [],
  [1, [2, [3]]],
  {},
  { a: { b: { c: {} } } },
  ...WEIRD_STRINGS,
];

function mutateValue(random: Random, value: unknown, depth = 0): unknown {
  if (depth > 6 || random() < 0.15) return pick(random, WEIRD_VALUES);
  if (Array.isArray(value)) return value.map((v) => mutateValue(random, v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.1) continue;
      if (r < 0.15) out[pick(random, WEIRD_STRINGS).slice(0, 20)] = v;
      else out[key] = mutateValue(random, v, depth + 1);
    }
    if (random() < 0.1)
      out[pick(random, ["type", "kind", "event", "schema_version", "context", "payload", "format", "channel"])] = pick(
        random,
        WEIRD_VALUES,
      );
    return out;
  }
  return random() < 0.3 ? pick(random, WEIRD_VALUES) : value;
}

function nested(depth: number, random: Random): string {
  const open = random() < 0.5 ? "[" : '{"a":';
  const close = open === "[" ? "]" : "}";
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

interface Case {
  path: string;
  body: string | Buffer;
  contentType: string | undefined;
  method: string;
}

function generate(random: Random, seeds: unknown[], index: number): Case {
  const path = pick(random, PATHS);
  const seed = pick(random, seeds);
  const valid = JSON.stringify(seed);
  const kind = index % 12;
  let body: string | Buffer;
  switch (kind) {
    case 0:
      body = valid.slice(0, Math.floor(random() * valid.length));
      break;
    case 1: {
      const bytes = Buffer.from(valid);
      for (let i = 0; i < 3; i += 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      body = bytes;
      break;
    }
    case 2:
      body = nested(1 + Math.floor(random() * 3000), random);
      break;
    case 3:
      body = JSON.stringify(pick(random, WEIRD_VALUES));
      break;
    case 4:
      body = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]);
      break;
    default:
      body = JSON.stringify(mutateValue(random, seed));
  }
  const contentType =
    kind === 5 && random() < 0.5
      ? pick(random, [undefined, "text/plain", "multipart/form-data; boundary=x", "application/jsonx", "application/json; charset=latin1"])
      : "application/json";
  return { path, body, contentType, method: index % 97 === 0 ? "PUT" : "POST" };
}

function send(agent: Agent, url: URL, c: Case): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string | number> = { "content-length": Buffer.byteLength(c.body) };
    if (c.contentType) headers["content-type"] = c.contentType;
    const req = request({ host: url.hostname, port: url.port, path: c.path, method: c.method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolvePromise(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(c.body);
  });
}

beforeAll(async () => {
  await receiver.start();
  dir = await mkdtemp(join(tmpdir(), "clawhip-fuzz-"));
  await writeFile(
    join(dir, "clawhip.toml"),
    `[defaults]\nformat = "compact"\n[[routes]]\nevent = "*"\nwebhook = "${receiver.url}/api/webhooks/1/fuzz"\n` +
      `[delivery]\nrate_per_sec = 100000\nrate_burst = 10000\n` +
      // Small limits, so slow senders and idle sockets meet them within the suite's time.
      `[daemon]\nmax_connections = ${MAX_CONNECTIONS}\nheaders_timeout_ms = ${HEADERS_TIMEOUT_MS}\nrequest_timeout_ms = ${REQUEST_TIMEOUT_MS}\n`,
  );
  daemon = await startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")]);
  rssAtStart = residentBytes(daemon.child.pid);
});

afterAll(async () => {
  daemon?.child.kill("SIGKILL");
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("bad-input storm against the running daemon", () => {
  it("answers 10,000+ generated and mutated bodies with 4xx/202 only, never crashes, and stays healthy", async () => {
    const vectors = (await readFile(resolve(import.meta.dirname, "../fixtures/vectors.jsonl"), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { input: any; ingress: string });
    const seeds = vectors.map((v) =>
      v.ingress === "routing" ? v.input.event : v.ingress === "legacy-emit" ? { type: v.input.argv[0] } : v.input,
    );
    const random = seededRandom(20260401);
    const url = new URL(daemon.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const statuses = new Map<number, number>();
    const cases: Case[] = Array.from({ length: 10_000 }, (_, i) => generate(random, seeds, i));
    for (let i = 0; i < 12; i += 1)
      cases.push({
        path: "/event",
        body: `{"type":"x","b":"${"y".repeat(1024 * 1024)}"}`,
        contentType: "application/json",
        method: "POST",
      });
    await pool(cases.length, 16, async (index) => {
      const c = cases[index] as Case;
      const status = await send(agent, url, c);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (!ALLOWED.has(status) && !(c.method === "PUT" && status === 405)) {
        throw new Error(`unexpected ${status} for ${c.method} ${c.path} ${c.contentType}: ${String(c.body).slice(0, 200)}`);
      }
    });
    agent.destroy();

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(10_012);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(statuses.get(413)).toBe(12);
    expect(statuses.get(202) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(415) ?? 0).toBeGreaterThan(50);
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.stderr()).not.toContain("internal error");

    const health = await daemon.health();
    expect(health.ok).toBe(true);
    const after = await fetch(`${daemon.url}/event`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "notify", payload: { context: { normalized_event: "finished", session_name: "after-storm" } } }),
    });
    expect(after.status).toBe(202);
    await receiver.waitFor((rs) => rs.some((r) => r.body.content === "omx after-storm finished"), 30_000, "the post-storm event");
    await until(async () => (await daemon.health()).pending === 0, 30_000, "the spool to drain");
  });
});

/** A body that puts a prototype key in one id position of one surface. */
function prototypeBody(random: Random): { path: string; body: string } {
  const key = pick(random, PROTOTYPE_KEYS);
  const bodies: Array<[string, unknown]> = [
    ["/event", { type: key, message: "m" }],
    ["/event", { kind: "custom", message: "m", event_id: key }],
    ["/event", { type: "custom", payload: { message: "m", event_id: key, correlation_id: key, session_id: key } }],
    ["/event", { type: "x", payload: { signal: { routeKey: key }, context: { route_key: key, normalized_event: key } } }],
    ["/event", { event: "custom", message: "m", [key]: { polluted: true, event_id: "smuggled" } }],
    ["/api/omx/hook", { schema_version: "1", event: key, context: { normalized_event: key, session_name: key } }],
    ["/api/native/hook", { provider: key, hook_event_name: key }],
    ["/native/hook", { provider: "codex", event_name: key, project: key, directory: key }],
    ["/native/hook", { provider: "codex", hookEventName: "Stop", [key]: key }],
    ["/api/native/v1/hook", { provider: key, hook_event_name: key, session_id: key }],
    ["/native/v1/hook", { provider: "codex", event_name: "Stop", repo_name: key, project_metadata: { [key]: key, name: key }, [key]: key }],
    ["/native/v1/hook", { provider: "codex", event_name: "PreToolUse", augmentation: { context: { [key]: key }, [key]: key } }],
  ];
  const [path, value] = pick(random, bodies);
  // A computed `[key]` is an own property even for `__proto__`, so the JSON text carries it.
  return { path, body: JSON.stringify(value) };
}

const METHODS = [
  "GET",
  "POST",
  "POST",
  "POST",
  "PUT",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "PATCH",
  "TRACE",
  "post",
  "P0ST",
  "G\u0000T",
  "X".repeat(300),
];
const TARGET_PIECES = [
  "[",
  "]",
  "%",
  "%zz",
  "%ff",
  "%00",
  "%2e%2e/",
  "../",
  "//",
  "?",
  "?x=%zz",
  "#",
  "@",
  ":",
  "\\",
  "é",
  "💥",
  "\u0000",
  " ",
  "\t",
  "*",
  "/__proto__",
  "/constructor",
  "/toString",
  "a:99999/",
  "x".repeat(4000),
];
const VERSIONS = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1.1 x", "HTTP/1.1\u0000", ""];

function mutateTarget(random: Random): string {
  let target = pick(random, [...PATHS, "/health", "/", "//[", "//a:99999/", "*", "http://x/event", "/constructor", "/__proto__"]);
  const edits = Math.floor(random() * 3);
  for (let i = 0; i < edits; i += 1) {
    const at = Math.floor(random() * (target.length + 1));
    target = target.slice(0, at) + pick(random, TARGET_PIECES) + target.slice(at);
  }
  return target;
}

/** One raw request whose line, target and headers may each be mutated; most stay parseable so routing is reached. */
function mutatedRequest(random: Random, seeds: unknown[]): string {
  const proto = random() < 0.3 ? prototypeBody(random) : undefined;
  const body = proto?.body ?? JSON.stringify(mutateValue(random, pick(random, seeds)));
  const method = random() < 0.6 ? "POST" : pick(random, METHODS);
  const target = proto && random() < 0.7 ? proto.path : random() < 0.5 ? pick(random, PATHS) : mutateTarget(random);
  const version = random() < 0.8 ? "HTTP/1.1" : pick(random, VERSIONS);
  const length = Buffer.byteLength(body);
  const headers: string[] = ["host: 127.0.0.1", "content-type: application/json", `content-length: ${length}`, "connection: close"];
  const r = random();
  if (r < 0.04) headers.splice(0, 1);
  else if (r < 0.08) headers.push(`content-length: ${length + 1}`);
  else if (r < 0.12) headers[2] = `content-length: ${pick(random, ["-1", "abc", "1e3", "99999999999999999999", " ", "0x10"])}`;
  else if (r < 0.15) headers.push(`transfer-encoding: ${pick(random, ["chunked", "chunked, gzip", "xchunked", "identity"])}`);
  else if (r < 0.18) headers.push(pick(random, ["bad header: 1", "no-colon-here", "x-nul: a\u0000b", ": empty-name", "x\u0080y: 1"]));
  else if (r < 0.2) headers.push(`x-big: ${"h".repeat(20_000)}`);
  else if (r < 0.22) for (let i = 0; i < 150; i += 1) headers.push(`x-many-${i}: ${i}`);
  else if (r < 0.26)
    headers.push(`authorization: ${pick(random, ["Bearer", "Bearer ", "bearer x", `Bearer ${"t".repeat(5000)}`, "Basic Og=="])}`);
  else if (r < 0.28)
    headers[1] = `content-type: ${pick(random, ["", "application/json; charset=\u00ff", "text/plain", "application/x+json"])}`;
  else if (r < 0.3) headers.push("expect: 100-continue");
  else if (r < 0.32) headers.push("upgrade: websocket", "connection: upgrade");
  return `${method} ${target} ${version}\r\n${headers.join("\r\n")}\r\n\r\n${body}`;
}

/** Far above any answer of a healthy daemon (the request timeout is 2.5 s): a daemon that never answers fails the case. */
const EXCHANGE_BOUND_MS = 30_000;

describe("bad request lines, targets, headers, prototype keys, slow senders and idle sockets", () => {
  it("answers 2,000 mutated raw requests (request lines, targets, headers, prototype keys in every id position) with no 5xx", async () => {
    const vectors = (await readFile(resolve(import.meta.dirname, "../fixtures/vectors.jsonl"), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { input: any; ingress: string });
    const seeds = vectors.filter((v) => v.ingress !== "routing" && v.ingress !== "legacy-emit").map((v) => v.input);
    const random = seededRandom(20260411);
    const port = Number(new URL(daemon.url).port);
    const requests = Array.from({ length: 2000 }, () => mutatedRequest(random, seeds));
    const statuses = new Map<number, number>();
    await pool(requests.length, 16, async (index) => {
      const text = requests[index] as string;
      const reply = await rawExchange(port, text, { timeoutMs: EXCHANGE_BOUND_MS });
      const status = statusOf(reply);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) throw new Error(`${status} for ${JSON.stringify(text.slice(0, 300))}: ${reply.slice(0, 300)}`);
      if (status === 0) throw new Error(`no answer for ${JSON.stringify(text.slice(0, 300))}`);
    });
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(2000);
    expect(statuses.get(202) ?? 0).toBeGreaterThan(200);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(20);
    expect(statuses.get(431) ?? 0).toBeGreaterThan(0);
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.stderr()).not.toContain("internal error");
    expect(daemon.stderr()).not.toContain("failed:");
  });

  it("cuts off 40 slow senders with a JSON 408 after request_timeout_ms while serving others", async () => {
    const port = Number(new URL(daemon.url).port);
    // One byte per socket every 100 ms: each body would take minutes; the daemon must not wait for it.
    const slow = Array.from({ length: 40 }, () =>
      trickle(port, "POST /event HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{", {
        drip: " ",
        intervalMs: 100,
      }),
    );
    const health = await fetch(`${daemon.url}/health`);
    expect(health.status).toBe(200);
    const answers = await Promise.all(slow);
    for (const { reply } of answers) {
      expect(statusOf(reply)).toBe(408);
      expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toEqual({
        ok: false,
        error: "request timeout: the request could not be read",
      });
    }
    // Cut off within a few checks of the timeout, far before the bodies could have finished.
    expect(Math.max(...answers.map(({ drips }) => drips)) * 100).toBeLessThan(REQUEST_TIMEOUT_MS * 4);
  });

  it("refuses connections past max_connections with a JSON 503, closes idle ones after headers_timeout_ms, and recovers", async () => {
    const port = Number(new URL(daemon.url).port);
    // Eight more idle sockets than the cap. Sockets of the previous test may still be closing on the
    // daemon's side, so the cap can bite a little earlier: at least 8 are refused, every other one
    // is held until the header timeout closes it with a 408, and nothing else happens.
    const sockets = await idleSockets(port, MAX_CONNECTIONS + 8);
    const texts = await Promise.all(sockets.map(({ closed }) => closed));
    const refused = texts.filter((text) => statusOf(text) === 503);
    const timedOut = texts.filter((text) => statusOf(text) === 408);
    expect(refused.length + timedOut.length).toBe(MAX_CONNECTIONS + 8);
    expect(refused.length).toBeGreaterThanOrEqual(8);
    expect(timedOut.length).toBeGreaterThan(MAX_CONNECTIONS / 2);
    for (const text of refused) expect(text).toContain(`{"ok":false,"error":"more than ${MAX_CONNECTIONS} open connections; retry later"}`);
    // The daemon counts a socket free once it sees the close, a moment after this side does.
    const health = () => rawExchange(port, "GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    await until(async () => statusOf(await health()) === 200, 5000, "a free connection slot");
  });

  it("is healthy afterwards: RSS bounded, no crash, an event still delivered", async () => {
    expect(daemon.child.exitCode).toBeNull();
    expect(residentBytes(daemon.child.pid) - rssAtStart).toBeLessThan(100 * 1024 * 1024);
    const after = await fetch(`${daemon.url}/event`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "notify", payload: { context: { normalized_event: "finished", session_name: "after-raw-storm" } } }),
    });
    expect(after.status).toBe(202);
    await receiver.waitFor((rs) => rs.some((r) => r.body.content === "omx after-raw-storm finished"), 30_000, "the post-storm event");
    await until(async () => (await daemon.health()).pending === 0, 30_000, "the spool to drain");
  });
});
