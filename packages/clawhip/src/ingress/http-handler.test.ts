import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigObject } from "../route/config-file.js";
import { VERSION } from "../version.js";
import { type RunningDaemon, startDaemon } from "./daemon.js";

let daemon: RunningDaemon;
let stateDir: string;
const TOKEN = "a-token-of-at-least-16-chars";

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "clawhip-http-"));
  const parsed = parseConfigObject({ daemon: { token: TOKEN, body_limit_bytes: 4096 } });
  if (!parsed.ok) throw new Error(parsed.error);
  daemon = await startDaemon({ config: parsed.config, stateDir, port: 0, log: () => {} });
});

afterAll(async () => {
  await daemon.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${daemon.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A chunked upload (no content-length), to prove the limit holds while streaming. */
function postChunked(path: string, chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(`${daemon.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

interface RawReply {
  status: number;
  body: any;
}

/** Parses the first response on a raw socket: its status line and JSON body. */
function parseRaw(text: string): RawReply {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf("\r\n\r\n") + 4);
  return { status, body: body === "" ? undefined : JSON.parse(body) };
}

/** Writes `text` on a fresh socket (a request line no HTTP client would send) and reads until the server closes. */
function rawRequest(port: number, text: string): Promise<RawReply> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let out = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      out += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolvePromise(parseRaw(out)));
  });
}

/** Opens a socket and resolves once it is connected (it sends nothing). */
function openIdle(port: number): Promise<Socket> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolvePromise(socket));
    socket.on("error", reject);
  });
}

/** Resolves with everything a socket received once the server closed it. */
function closed(socket: Socket): Promise<string> {
  return new Promise((resolvePromise) => {
    let out = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      out += chunk;
    });
    socket.on("error", () => {});
    socket.on("close", () => resolvePromise(out));
  });
}

async function startWith(daemonConfig: Record<string, unknown>): Promise<{ daemon: RunningDaemon; dir: string; logs: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "clawhip-http-guard-"));
  const parsed = parseConfigObject({ daemon: daemonConfig });
  if (!parsed.ok) throw new Error(parsed.error);
  const logs: string[] = [];
  const started = await startDaemon({ config: parsed.config, stateDir: dir, port: 0, log: (_level, message) => logs.push(message) });
  return { daemon: started, dir, logs };
}

describe("ingress daemon envelopes", () => {
  it("202 with the canonical type and event id on every ingress path", async () => {
    for (const path of ["/event", "/api/event", "/events"]) {
      const reply = await post(path, JSON.stringify({ type: "finished", tool: "omx" }));
      expect(reply).toEqual({ status: 202, body: { ok: true, type: "session.finished", event_id: expect.any(String) } });
    }
    for (const path of ["/api/omx/hook", "/omx/hook"]) {
      const reply = await post(path, JSON.stringify({ schema_version: "1", context: { normalized_event: "blocked" } }));
      expect(reply.body.type).toBe("session.blocked");
    }
    for (const path of ["/api/native/hook", "/native/hook"]) {
      const reply = await post(path, JSON.stringify({ provider: "codex", hook_event_name: "Stop", directory: "/r/x" }));
      expect(reply.body.type).toBe("session.finished");
    }
  });

  it("401 without the bearer token, 415 for a non-JSON content type", async () => {
    expect(await post("/event", "{}", { authorization: "Bearer wrong" })).toEqual({
      status: 401,
      body: { ok: false, error: "unauthorized: send Authorization: Bearer <token>" },
    });
    const form = await post("/event", "type=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.body.error).toContain("expected application/json");
  });

  it("400 for invalid JSON and for over-deep nesting, 422 for a non-event", async () => {
    const invalid = await post("/event", '{"type":');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/^invalid JSON body: /);
    const deep = await post("/event", `${"[".repeat(100)}${"]".repeat(100)}`);
    expect(deep).toEqual({ status: 400, body: { ok: false, error: "body nests deeper than 64 levels" } });
    expect((await post("/event", `${"[".repeat(65)}${"]".repeat(65)}`)).status).toBe(400);
    expect((await post("/event", `${"[".repeat(64)}${"]".repeat(64)}`)).status).toBe(422);
    const deepObject = `{"type":"x","a":${'{"b":'.repeat(70)}1${"}".repeat(70)}}`;
    expect((await post("/event", deepObject)).body.error).toBe("body nests deeper than 64 levels");
    expect(await post("/event", "[]")).toEqual({ status: 422, body: { ok: false, error: "invalid type: expected an event object" } });
  });

  it("answers each request of a concurrent burst on its own: a bad body fails alone", async () => {
    const bodies = Array.from({ length: 40 }, (_, i) =>
      i % 10 === 3 ? '{"type":' : JSON.stringify({ type: "custom", message: `m${i}`, event_id: i % 10 === 7 ? "same-id" : `id-${i}` }),
    );
    const before = ((await (await fetch(`${daemon.url}/health`)).json()) as { pending: number }).pending;
    const replies = await Promise.all(bodies.map((body) => post("/event", body)));
    replies.forEach((reply, i) => {
      if (i % 10 === 3) expect(reply.status).toBe(400);
      else expect(reply.body).toEqual({ ok: true, type: "custom", event_id: expect.any(String) });
    });
    // No route and no default channel here, so nothing is spooled (batch dedupe: delivery.test.ts).
    const after = ((await (await fetch(`${daemon.url}/health`)).json()) as { pending: number }).pending;
    expect(after).toBe(before);
  });

  it("413 over the body limit, declared or streamed", async () => {
    const big = JSON.stringify({ type: "x", blob: "y".repeat(5000) });
    expect((await post("/event", big)).status).toBe(413);
    const streamed = await postChunked("/event", ['{"type":"x","blob":"', "z".repeat(3000), "z".repeat(3000), '"}']);
    expect(streamed).toEqual({ status: 413, body: { ok: false, error: "request body exceeds the 4096-byte limit" } });
    expect((await post("/event", JSON.stringify({ type: "x" }))).status).toBe(202);
  });

  it("404 for unknown paths, 405 for wrong methods, health without auth", async () => {
    expect((await post("/nope", "{}")).status).toBe(404);
    const get = await fetch(`${daemon.url}/event`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const health = await fetch(`${daemon.url}/health`);
    expect(await health.json()).toMatchObject({ ok: true, version: "0.1.0", pending: 0, dead: 0 });
  });

  it("item 1: a malformed request target (`//[`, a broken %-escape) is a JSON 400 and `//a:99999/` a 404, never a 500", async () => {
    const send = (method: string, target: string) => {
      const body = method === "POST" ? '{"type":"x"}' : "";
      return rawRequest(
        daemon.port,
        `${method} ${target} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\n` +
          `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    const malformed = [
      "//[",
      "//[/event",
      "/%zz",
      "/event%",
      "/event%4",
      "/%ff%zz/event",
      "/ev\\ent",
      "/event?x=%zz",
      "*",
      "http://x/event",
    ];
    for (const target of malformed) {
      for (const method of ["GET", "POST"]) {
        expect(await send(method, target), `${method} ${target}`).toEqual({ status: 400, body: { ok: false, error: expect.any(String) } });
      }
    }
    // A leading `//` is part of the path, not an authority: these parse, and name no route.
    for (const target of ["//a:99999/", "//event"]) {
      expect(await send("POST", target), target).toEqual({ status: 404, body: { ok: false, error: `not found: POST ${target}` } });
    }
    const health = await fetch(`${daemon.url}/health`);
    expect(health.status).toBe(200);
  });

  it("item 1: a request line or header node's parser refuses is a JSON 400 from the daemon", async () => {
    for (const line of ["GET /ev ent HTTP/1.1", "GET /event HTTP/9.9", "G\u0000T /event HTTP/1.1", "GET /event\u0001 HTTP/1.1"]) {
      const reply = await rawRequest(daemon.port, `${line}\r\nhost: x\r\n\r\n`);
      expect(reply, JSON.stringify(line)).toEqual({ status: 400, body: { ok: false, error: expect.any(String) } });
    }
    const badHeader = await rawRequest(daemon.port, "POST /event HTTP/1.1\r\nhost: x\r\nx-bad header: 1\r\n\r\n");
    expect(badHeader.status).toBe(400);
  });

  it("item 2: `/constructor`, `/__proto__`, `/toString` are unknown paths (404), not prototype lookups", async () => {
    for (const path of ["/constructor", "/__proto__", "/toString", "/hasOwnProperty", "/event/constructor"]) {
      const reply = await post(path, JSON.stringify({ type: "x" }));
      expect(reply, path).toEqual({ status: 404, body: { ok: false, error: `not found: POST ${path}` } });
    }
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it("item 2: an event kind or native hook name that is a prototype key is a 202 / 400, not a 500", async () => {
    for (const name of ["constructor", "__proto__", "toString"]) {
      expect(await post("/event", JSON.stringify({ type: name }))).toEqual({
        status: 202,
        body: { ok: true, type: name, event_id: expect.any(String) },
      });
      expect(await post("/native/hook", JSON.stringify({ provider: "codex", hook_event_name: name }))).toEqual({
        status: 400,
        body: { ok: false, error: `unsupported native hook event '${name}'` },
      });
    }
  });

  it("a client that hangs up mid-body is no failure: nothing is logged and the daemon serves on", async () => {
    const lines: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), "clawhip-abort-"));
    const parsed = parseConfigObject({});
    if (!parsed.ok) throw new Error(parsed.error);
    const quietDaemon = await startDaemon({ config: parsed.config, stateDir: dir, port: 0, log: (_level, line) => lines.push(line) });
    try {
      const socket = connect(quietDaemon.port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write('POST /event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"type":');
      await new Promise((resolve) => setImmediate(resolve));
      socket.destroy();
      await new Promise((resolve) => socket.once("close", resolve));
      // The daemon sees the reset within milliseconds; a failure would be logged by then (bounded wait).
      for (let waited = 0; waited < 1000 && !lines.some((line) => line.includes("failed")); waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await fetch(`${quietDaemon.url}/event`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "custom", message: "after the hang-up" }),
      });
      expect(response.status).toBe(202);
      expect(lines.filter((line) => line.includes("failed"))).toEqual([]);
    } finally {
      await quietDaemon.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("binds loopback by default", () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("item 9: the daemon's connection cap and timeouts come from [daemon]", () => {
  it("item 9: past max_connections a new connection gets a JSON 503, and the daemon serves again once they close", async () => {
    const { daemon: capped, dir } = await startWith({ max_connections: 3 });
    try {
      const held = await Promise.all([1, 2, 3].map(() => openIdle(capped.port)));
      const refused = await rawRequest(capped.port, "GET /health HTTP/1.1\r\nhost: x\r\n\r\n");
      expect(refused).toEqual({ status: 503, body: { ok: false, error: "more than 3 open connections; retry later" } });
      await Promise.all(
        held.map((socket) => {
          const gone = closed(socket);
          socket.destroy();
          return gone;
        }),
      );
      const health = await rawRequest(capped.port, "GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
      expect(health.status).toBe(200);
    } finally {
      await capped.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("item 9: an idle connection, unfinished headers and a trickled body are cut off with a JSON 408 (timeouts configured small)", async () => {
    const { daemon: strict, dir, logs } = await startWith({ headers_timeout_ms: 200, request_timeout_ms: 300 });
    try {
      const idle = closed(await openIdle(strict.port));
      const headers = await openIdle(strict.port);
      const headersDone = closed(headers);
      headers.write("POST /event HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n");
      const trickle = await openIdle(strict.port);
      const trickleDone = closed(trickle);
      trickle.write("POST /event HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n{");
      // A slow sender: one byte every 50 ms, far slower than the 300 ms request timeout allows.
      let sent = 0;
      const timer = setInterval(() => {
        if (trickle.writable && sent < 4000) trickle.write(" ");
        sent += 1;
      }, 50);
      const replies = await Promise.all([idle, headersDone, trickleDone]).finally(() => clearInterval(timer));
      for (const reply of replies) {
        expect(parseRaw(reply)).toEqual({ status: 408, body: { ok: false, error: "request timeout: the request could not be read" } });
      }
      expect(sent).toBeLessThan(4000);
      expect(logs).toEqual([]);
      expect((await fetch(`${strict.url}/health`)).status).toBe(200);
    } finally {
      await strict.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("item 9: headers_timeout_ms above request_timeout_ms is a config error", () => {
    const parsed = parseConfigObject({ daemon: { headers_timeout_ms: 5000, request_timeout_ms: 1000 } });
    expect(parsed).toEqual({ ok: false, error: expect.stringContaining("headers_timeout_ms must not exceed request_timeout_ms") });
  });
});

describe("update routes without [update].enabled", () => {
  it("status says nothing is pending; approve and dismiss are 400; GET-only and POST-only; the token is required", async () => {
    const status = await fetch(`${daemon.url}/api/update/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect([status.status, await status.json()]).toEqual([200, { pending: false, current_version: VERSION }]);
    expect(await post("/api/update/approve", "{}")).toEqual({
      status: 400,
      body: { ok: false, error: "no pending update to approve ([update].enabled is false)" },
    });
    expect((await post("/api/update/dismiss", "{}")).status).toBe(400);
    expect((await post("/api/update/status", "{}")).status).toBe(405);
    expect((await fetch(`${daemon.url}/api/update/approve`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    expect((await fetch(`${daemon.url}/api/update/status`)).status).toBe(401);
    // What a web page can send without a preflight (a form post) is refused before anything runs.
    const form = await fetch(`${daemon.url}/api/update/approve`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-www-form-urlencoded" },
      body: "a=1",
    });
    expect(form.status).toBe(415);
  });
});

describe("tmux routes", () => {
  it("the same gate as the update routes: the method (GET takes HEAD), then the token, then the body", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const list = await fetch(`${daemon.url}/api/tmux`, { headers: auth });
    expect([list.status, await list.json()]).toEqual([200, { ok: true, registrations: expect.any(Array) }]);
    expect((await fetch(`${daemon.url}/api/tmux`, { method: "HEAD", headers: auth })).status).toBe(200);
    expect((await post("/api/tmux", "{}")).status).toBe(405);
    expect((await fetch(`${daemon.url}/api/tmux/register`, { headers: auth })).status).toBe(405);
    expect((await fetch(`${daemon.url}/api/tmux`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/api/tmux/register`, { method: "POST", body: "{}" })).status).toBe(401);
    expect(await post("/api/tmux/register", "{not json")).toEqual({
      status: 400,
      body: { ok: false, error: expect.stringContaining("invalid JSON body") },
    });
  });
});
