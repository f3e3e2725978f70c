import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { definePlugin } from "../define-plugin.js";
import { defineTool } from "../define-tool.js";
import {
  bodyTextOf,
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
} from "../testing/index.js";
import { LocalHost } from "./host.js";
import { clientFrame, RawWebSocket } from "./wire.test-support.js";

/**
 * The LocalHost bad-input storm: seeded, bounded volleys of mutated HTTP requests (request lines,
 * targets, headers, `/tools/invoke` bodies) and Gateway WebSocket frames (pre- and post-connect,
 * prototype names in every id position), slow and silent senders and many idle sockets. Nothing may
 * answer 5xx except a deliberate 503, the host must stay up and healthy, memory bounded, and
 * `Object.prototype` untouched.
 */

const WEIRD_STRINGS = ["", " ", "\u0000", "\ud800", "💥", "\u202eevil", "é".repeat(200), "x".repeat(5000), ":", "agent::", "agent:main:"];
const WEIRD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, [], [1, [2]], {}, { a: { b: {} } }, ...WEIRD_STRINGS, ...PROTOTYPE_KEYS];

const quietLines: string[] = [];
const logger = {
  debug: () => {},
  info: () => {},
  warn: (line: string) => quietLines.push(`warn ${line}`),
  error: (line: string) => quietLines.push(`error ${line}`),
};

const storm = definePlugin({
  id: "storm",
  name: "Storm",
  description: "tools and routes for the bad-input storm",
  config: z.object({}),
  register(api) {
    api.registerTool(
      (ctx) =>
        defineTool({
          name: "storm_echo",
          label: "Echo",
          description: "Echoes its note with the session",
          params: z.object({ note: z.string().max(100_000).optional(), count: z.number().int().optional() }),
          execute: ({ note }) => ({ success: true, note: note ?? "", sessionKey: ctx.sessionKey }),
        }),
      { names: ["storm_echo"] },
    );
    api.registerHttpRoute({
      path: "/storm/public",
      auth: "plugin",
      handler: (_req, res) => {
        res.end("public");
        return true;
      },
    });
    api.registerHttpRoute({
      path: "/storm/private",
      auth: "gateway",
      match: "prefix",
      handler: (_req, res) => {
        res.end("private");
        return true;
      },
    });
  },
});

let host: LocalHost;

beforeAll(async () => {
  host = new LocalHost({
    stateDir: await mkdtemp(join(tmpdir(), "local-host-storm-")),
    logger,
    agents: ["main", "ops"],
    publicRoutes: ["/storm/public"],
    bodyLimitBytes: 256 * 1024,
    http: { headersTimeoutMs: 500, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 500, maxConnections: 400 },
    gatewayProtocol: { deltaIntervalMs: 0, handshakeTimeoutMs: 300, maxPreauthConnections: 32, heartbeatIntervalMs: 1_000 },
  });
  await host.load(storm);
  await host.start();
});

afterAll(async () => {
  await host.stop();
});

const TARGETS = [
  "/",
  "/health",
  "/tools/invoke",
  "/storm/public",
  "/storm/private/x",
  "//[",
  "//a:99999/",
  "/%zz",
  "/%",
  "/%ff",
  "/a%00b",
  "*",
  "http://evil.example/",
  "/../../etc/passwd",
  "/health?q=%zz",
  "/tools/invoke?token=%",
  "/__proto__",
  "/constructor",
  "/storm/public/../private",
  "/\u00e9",
  `/${"a".repeat(9000)}`,
];
const METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "G\u0000T", "FOO", "GET GET", ""];
const VERSIONS = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 extra", "", "HTTP/9.9"];

function mutateText(random: Random, text: string): string {
  if (text.length === 0 || random() < 0.6) return text;
  const at = Math.floor(random() * text.length);
  const byte = String.fromCharCode(Math.floor(random() * 256));
  return random() < 0.5 ? `${text.slice(0, at)}${byte}${text.slice(at)}` : `${text.slice(0, at)}${byte}${text.slice(at + 1)}`;
}

function invokeBody(random: Random): string {
  const kind = Math.floor(random() * 8);
  if (kind === 0) return pick(random, ["{", '{"tool":', "[", "nul", "\u00ff\u00fe", '{"tool":"storm_echo"']);
  if (kind === 1) return JSON.stringify(pick(random, WEIRD_VALUES));
  if (kind === 2) return `${"[".repeat(3000)}${"]".repeat(3000)}`;
  const body: Record<string, unknown> = { tool: random() < 0.6 ? "storm_echo" : pick(random, [...PROTOTYPE_KEYS, ...WEIRD_STRINGS]) };
  if (random() < 0.5)
    body.args = random() < 0.7 ? { note: pick(random, WEIRD_STRINGS), count: pick(random, WEIRD_VALUES) } : pick(random, WEIRD_VALUES);
  if (random() < 0.4)
    body.sessionKey = pick(random, [...PROTOTYPE_KEYS, `agent:${pick(random, PROTOTYPE_KEYS)}:x`, "agent:ops:s", ...WEIRD_STRINGS]);
  if (random() < 0.3) body.agentId = pick(random, [...PROTOTYPE_KEYS, "ops", "MAIN", ...WEIRD_STRINGS]);
  if (random() < 0.3) body.action = pick(random, [...PROTOTYPE_KEYS, ...WEIRD_VALUES]);
  if (random() < 0.2) body.name = pick(random, WEIRD_VALUES);
  let text = JSON.stringify(body);
  // A literal "__proto__" key, as JSON.parse will read it (an own property, not the prototype).
  if (random() < 0.3) text = text.replace(/^\{/, `{"__proto__":{"polluted":"yes","tool":"storm_echo"},`);
  return text;
}

function httpCase(random: Random, token: string): string {
  const method = random() < 0.5 ? "POST" : pick(random, METHODS);
  const target = random() < 0.4 ? "/tools/invoke" : mutateText(random, pick(random, TARGETS));
  const version = pick(random, VERSIONS);
  const body = method === "POST" || random() < 0.1 ? invokeBody(random) : "";
  const headers = ["Host: 127.0.0.1", "Connection: close"];
  if (random() < 0.7)
    headers.push(
      `Authorization: ${pick(random, [`Bearer ${token}`, `Bearer ${token}`, "Bearer", "Bearer wrong", "Basic eDp5", `bearer  ${token} `])}`,
    );
  if (random() < 0.6) headers.push(`Content-Type: ${pick(random, ["application/json", "text/plain", "application/json; charset=latin1"])}`);
  const length = Buffer.byteLength(body, "latin1");
  const framing = Math.floor(random() * 10);
  if (framing < 6) headers.push(`Content-Length: ${length}`);
  else if (framing === 6) headers.push(`Content-Length: ${pick(random, ["-1", "abc", "1, 2", "99999999999999999999", `${length + 10}`])}`);
  else if (framing === 7) headers.push("Transfer-Encoding: chunked");
  else if (framing === 8)
    headers.push(`Transfer-Encoding: ${pick(random, ["gzip, chunked", "x", "chunked, chunked"])}`, `Content-Length: ${length}`);
  if (random() < 0.1)
    headers.push(pick(random, ["X-Bad\u0000: v", `X-Long: ${"v".repeat(20_000)}`, "Bad Header: v", ": empty", "X-Fold: a\r\n folded"]));
  if (random() < 0.05) headers.push(pick(random, ["Expect: 100-continue", "Expect: teapot"]));
  if (random() < 0.05) headers.shift();
  const payload = framing === 7 ? `${length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : body;
  const line = `${method} ${target} ${version}`.trimEnd();
  return `${line}\r\n${headers.join("\r\n")}\r\n\r\n${payload}`;
}

const METHOD_NAMES = [
  "agents.list",
  "agent.identity.get",
  "tools.effective",
  "tools.catalog",
  "sessions.create",
  "sessions.send",
  "chat.send",
  "agent.wait",
  "sessions.abort",
  "tools.invoke",
  "exec.approval.resolve",
  "connect",
  "runs.wait",
  ...PROTOTYPE_KEYS,
];
const ID_FIELDS = ["key", "sessionKey", "agentId", "runId", "name", "id", "idempotencyKey"];

function requestFrame(random: Random, index: number): string | Buffer {
  const kind = Math.floor(random() * 10);
  if (kind === 0) return pick(random, ["{not json", "", "null", "[]", '"req"', "{}", `{"type":"req","id":"${index}"}`]);
  if (kind === 1) return Buffer.from([0xff, 0x00, 0x01]);
  const params: Record<string, unknown> = {};
  for (const field of ID_FIELDS) {
    if (random() < 0.35)
      params[field] = pick(random, [
        ...PROTOTYPE_KEYS,
        `agent:main:${pick(random, PROTOTYPE_KEYS)}`,
        `agent:main:s${index % 5}`,
        ...WEIRD_VALUES,
      ]);
  }
  if (random() < 0.5) params.message = pick(random, ["hello", "use a tool", "please timeout", "approval", ...WEIRD_VALUES]);
  if (random() < 0.3) params.args = pick(random, [{ note: "x".repeat(Math.floor(random() * 100_000)) }, ...WEIRD_VALUES]);
  if (random() < 0.3) params.timeoutMs = pick(random, [0, 1, 5, -1, 1e12, "x"]);
  if (random() < 0.2) params.decision = pick(random, ["deny", "allow-once", "maybe"]);
  const frame: Record<string, unknown> = {
    type: random() < 0.95 ? "req" : pick(random, ["res", "event", ...PROTOTYPE_KEYS]),
    id: random() < 0.9 ? `r${index}` : pick(random, WEIRD_VALUES),
    method: random() < 0.9 ? pick(random, METHOD_NAMES) : pick(random, WEIRD_VALUES),
    params: random() < 0.9 ? params : pick(random, WEIRD_VALUES),
  };
  let text = JSON.stringify(frame);
  if (random() < 0.2) text = text.replace(/^\{/, '{"__proto__":{"method":"agents.list","polluted":"yes"},');
  return text;
}

function preconnectAttack(random: Random, token: string): Buffer {
  const connectParams = {
    minProtocol: pick(random, [4, 3, 5, "4", -1]),
    maxProtocol: pick(random, [4, 4, 99, null]),
    client: random() < 0.7 ? { id: "test", version: "1", platform: "t", mode: "test" } : pick(random, WEIRD_VALUES),
    auth: pick(random, [{ token: "wrong" }, { password: token.slice(0, -1) }, {}, { token: pick(random, WEIRD_VALUES) }, null]),
    scopes: pick(random, [["operator.admin"], PROTOTYPE_KEYS, "x", undefined]),
  };
  const attacks: Array<() => Buffer> = [
    () => clientFrame(0x1, Buffer.from("{not json")),
    () => clientFrame(0x2, Buffer.from([1, 2, 3])),
    () => clientFrame(0x1, Buffer.alloc(8), 1 + Math.floor(random() * 50) * 1024 * 1024),
    () => clientFrame(0x1, Buffer.from(JSON.stringify({ type: "req", id: "p", method: pick(random, [...PROTOTYPE_KEYS, "agents.list"]) }))),
    () => clientFrame(0x1, Buffer.from(JSON.stringify({ type: "req", id: "c", method: "connect", params: connectParams }))),
    () => clientFrame(0x1, Buffer.from([0xc3, 0x28, 0xa0, 0xa1])),
    () => clientFrame(0x3, Buffer.from("reserved opcode")),
    () => clientFrame(0x9, Buffer.alloc(200)),
    () => clientFrame(0x8, Buffer.from([0x03, 0xe7])),
    () => Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]),
    () => clientFrame(0x1, Buffer.from("x".repeat(70 * 1024))),
  ];
  return pick(random, attacks)();
}

function parseOrExplain(body: string, raw: string, sent: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new Error(`not a JSON envelope: ${JSON.stringify(raw.slice(0, 600))} for ${JSON.stringify(sent.slice(0, 400))}`);
  }
}

const rssMiB = () => residentBytes() / 1024 / 1024;

// Each volley takes seconds on a shared 2-core machine; the bound is generous, the assertions are not timed.
describe("LocalHost bad-input storm (HTTP and Gateway WebSocket)", { timeout: 60_000 }, () => {
  const prototypeBefore = prototypeNames();
  let rssBefore = 0;
  beforeAll(() => {
    rssBefore = rssMiB();
  });

  it("answers 2,500 mutated request lines, targets, headers and /tools/invoke bodies with no 5xx but a deliberate 503", async () => {
    const random = seededRandom(20_261_129);
    const statuses = new Map<number, number>();
    // Cases are drawn as each job starts (in index order, so the seed still reproduces them) and
    // dropped once answered, so the client's own memory does not count against the host's.
    await pool(2_500, 32, async (index) => {
      const sent = httpCase(random, host.token);
      const raw = await rawExchange(host.port, Buffer.from(sent, "latin1"));
      const status = statusOf(raw);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500 && status !== 503) throw new Error(`${status} for case ${index}: ${JSON.stringify(sent.slice(0, 300))}`);
      if (raw.includes(host.token)) throw new Error(`case ${index} echoed the token`);
      const body = sent.startsWith("HEAD ") ? "" : bodyTextOf(raw);
      if (status >= 400 && body.length > 0)
        expect(parseOrExplain(body, raw, sent), `case ${index}`).toMatchObject({ ok: false, error: { type: expect.any(String) } });
    });
    expect([...statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
    // Every kind of answer was reached: successes, bad requests, refusals, unknown paths, timeouts.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(1_000);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(408) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(0) ?? 0).toBe(0);
    expect(prototypeNames()).toEqual(prototypeBefore);
  });

  it("answers 300 hostile Gateway sessions (pre-connect attacks and mutated post-connect frames) without an UNAVAILABLE", async () => {
    const random = seededRandom(4_242);
    const unavailable: string[] = [];
    const codes = new Map<string, number>();
    await pool(300, 16, async (index) => {
      const socket = await RawWebSocket.open(host.port);
      try {
        if (!socket.head.startsWith("HTTP/1.1 101")) {
          // The only refusal a well-formed upgrade may get is the deliberate pre-connect cap.
          expect(socket.head).toMatch(/^HTTP\/1\.1 503 /);
          return;
        }
        await socket.until(() => socket.json().find((f) => f.event === "connect.challenge"), "challenge");
        if (index % 3 === 0) {
          socket.write(preconnectAttack(random, host.token));
          await socket.until(() => (socket.closed ? true : undefined), `close after pre-connect attack ${index}`);
        } else {
          const client = { id: "test", version: "1", platform: "t", mode: "test" };
          const scopes = pick(random, [undefined, ["operator.read"], ["operator.write"], ["operator.approvals"], PROTOTYPE_KEYS]);
          socket.sendText(
            JSON.stringify({
              type: "req",
              id: "c",
              method: "connect",
              params: { minProtocol: 4, maxProtocol: 4, client, scopes, auth: { token: host.token } },
            }),
          );
          await socket.until(() => socket.json().find((f) => f.id === "c"), "hello");
          const frames = 5 + Math.floor(random() * 10);
          for (let i = 0; i < frames; i += 1) {
            const frame = requestFrame(random, index * 100 + i);
            socket.write(typeof frame === "string" ? clientFrame(0x1, Buffer.from(frame)) : clientFrame(0x2, frame));
          }
          socket.sendText(JSON.stringify({ type: "req", id: "last", method: "agents.list", params: {} }));
          await socket.until(() => socket.json().find((f) => f.id === "last"), `answer after frames of session ${index}`);
        }
        for (const frame of socket.json()) {
          if (frame.type !== "res" || frame.ok) continue;
          codes.set(frame.error.code, (codes.get(frame.error.code) ?? 0) + 1);
          if (frame.error.code === "UNAVAILABLE") unavailable.push(`${index}: ${frame.error.message}`);
        }
      } finally {
        socket.destroy();
      }
    });
    expect(unavailable).toEqual([]);
    expect(codes.get("INVALID_REQUEST") ?? 0).toBeGreaterThan(300);
    expect(prototypeNames()).toEqual(prototypeBefore);
  });

  it("sheds silent sockets, slow senders and idle WebSockets, then is healthy with bounded memory", async () => {
    // Bounded well above the configured timeouts: a socket the host never closes fails the test.
    const silent = await idleSockets(host.port, 150, { timeoutMs: 10_000 });
    const trickling = await idleSockets(host.port, 30, { timeoutMs: 10_000 });
    for (const { socket } of trickling) {
      socket.write(`POST /tools/invoke HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${host.token}\r\nContent-Length: 1000\r\n\r\n{`);
    }
    const idleWebSockets = await Promise.all(Array.from({ length: 40 }, () => RawWebSocket.open(host.port)));
    const upgraded = idleWebSockets.filter((s) => s.head.startsWith("HTTP/1.1 101"));
    expect(upgraded.length).toBeLessThanOrEqual(32);
    expect(idleWebSockets.filter((s) => s.head.startsWith("HTTP/1.1 503"))).toHaveLength(40 - upgraded.length);

    await Promise.all([...silent, ...trickling].map(({ closed }) => closed));
    for (const socket of idleWebSockets) await socket.until(() => (socket.closed ? true : undefined), "idle WebSocket closed");
    expect(upgraded.every((s) => s.closeCode === 1000)).toBe(true);

    const health = await fetch(`${host.url}/health`);
    expect(health.status).toBe(200);
    const invoked = await fetch(`${host.url}/tools/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${host.token}`, "content-type": "application/json" },
      body: JSON.stringify({ tool: "storm_echo", args: { note: "after" } }),
    });
    expect(((await invoked.json()) as { result: { details: unknown } }).result.details).toEqual({
      success: true,
      note: "after",
      sessionKey: "agent:main:main",
    });
    const socket = await RawWebSocket.open(host.port);
    const client = { id: "test", version: "1", platform: "t", mode: "test" };
    socket.sendText(
      JSON.stringify({
        type: "req",
        id: "c",
        method: "connect",
        params: { minProtocol: 4, maxProtocol: 4, client, auth: { token: host.token } },
      }),
    );
    expect((await socket.until(() => socket.json().find((f) => f.id === "c"), "hello")).ok).toBe(true);
    socket.destroy();

    expect(rssMiB() - rssBefore).toBeLessThan(100);
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(quietLines.filter((line) => line.startsWith("error"))).toEqual([]);
    expect(quietLines.join("\n")).not.toContain(host.token);
  });
});
