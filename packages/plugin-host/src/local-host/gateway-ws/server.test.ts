import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { z } from "zod";
import { definePlugin } from "../../define-plugin.js";
import { defineTool } from "../../define-tool.js";
import { bodyOf, rawExchange, statusOf } from "../../testing/index.js";
import { LocalHost } from "../host.js";
import { clientFrame, RawWebSocket } from "../wire.test-support.js";
import type { GatewayProtocolOptions } from "./server.js";

const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() };

const echoPlugin = definePlugin({
  id: "echoer",
  name: "Echoer",
  description: "echo tool for gateway tests",
  config: z.object({}),
  register(api) {
    api.registerTool(
      defineTool({
        name: "echo_status",
        label: "Echo status",
        description: "Reports ok",
        params: z.object({ note: z.string().optional() }),
        execute: ({ note }) => ({ success: true, note: note ?? "none" }),
      }),
    );
  },
});

type Frame = { type: string; id?: string; ok?: boolean; event?: string; payload?: any; error?: any; seq?: number };

class RawClient {
  readonly frames: Frame[] = [];
  readonly socket: WebSocket;
  #waiters: Array<() => void> = [];
  #id = 0;
  closed: { code: number } | undefined;
  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.on("message", (data) => {
      this.frames.push(JSON.parse(String(data)));
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.socket.on("close", (code) => {
      this.closed = { code };
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }
  async until<T>(pick: () => T | undefined, what: string): Promise<T> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = pick();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
  sendRaw(text: string) {
    this.socket.send(text);
  }
  async request(method: string, params?: unknown): Promise<Frame> {
    this.#id += 1;
    const id = `t${this.#id}`;
    this.socket.send(JSON.stringify({ type: "req", id, method, params }));
    return this.until(() => this.frames.find((f) => f.type === "res" && f.id === id), `response to ${method}`);
  }
  events(name: string, runId?: string): Frame[] {
    return this.frames.filter((f) => f.type === "event" && f.event === name && (!runId || f.payload?.runId === runId));
  }
  close() {
    this.socket.close();
  }
}

const hosts: LocalHost[] = [];
const clients: RawClient[] = [];

async function startHost(gatewayProtocol: GatewayProtocolOptions = {}): Promise<LocalHost> {
  const host = new LocalHost({
    stateDir: await mkdtemp(join(tmpdir(), "gw-ws-")),
    logger: quiet,
    agents: ["main", "cody"],
    gatewayProtocol: { deltaIntervalMs: 1, ...gatewayProtocol },
  });
  await host.load(echoPlugin);
  await host.start();
  hosts.push(host);
  return host;
}

async function connected(host: LocalHost, params: Record<string, unknown> = {}): Promise<RawClient> {
  const client = new RawClient(`ws://127.0.0.1:${host.port}`);
  clients.push(client);
  await client.until(() => client.frames.find((f) => f.event === "connect.challenge"), "challenge");
  const hello = await client.request("connect", {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "test", version: "1", platform: "test", mode: "test" },
    auth: { token: host.token },
    caps: ["tool-events"],
    ...params,
  });
  expect(hello.ok, JSON.stringify(hello.error)).toBe(true);
  return client;
}

const raws: RawWebSocket[] = [];

const connectParams = (token: string) => ({
  minProtocol: 4,
  maxProtocol: 4,
  client: { id: "test", version: "1", platform: "test", mode: "test" },
  auth: { token },
});

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.destroy();
  for (const client of clients.splice(0)) client.close();
  for (const host of hosts.splice(0)) await host.stop();
});

describe("LocalHost Gateway protocol: handshake and frames", () => {
  it("challenges, then answers connect with hello-ok listing methods and events", async () => {
    const host = await startHost();
    const client = await connected(host, { scopes: ["operator.read", "operator.write"] });
    const hello = client.frames.find((f) => f.type === "res")!;
    expect(hello.payload).toMatchObject({ type: "hello-ok", protocol: 4, auth: { scopes: ["operator.read", "operator.write"] } });
    expect(hello.payload.features.methods).toEqual(expect.arrayContaining(["agents.list", "sessions.send", "agent.wait", "tools.invoke"]));
    expect(hello.payload.features.events).toEqual(expect.arrayContaining(["agent", "chat"]));
  });

  it("refuses a wrong token and closes", async () => {
    const host = await startHost();
    const client = new RawClient(`ws://127.0.0.1:${host.port}`);
    clients.push(client);
    await client.until(() => client.frames.find((f) => f.event === "connect.challenge"), "challenge");
    const res = await client.request("connect", {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "test", version: "1", platform: "test", mode: "test" },
      auth: { token: "wrong" },
    });
    expect(res).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringContaining("unauthorized") } });
    await client.until(() => client.closed, "close");
  });

  it("requires connect first and rejects a protocol mismatch", async () => {
    const host = await startHost();
    const early = new RawClient(`ws://127.0.0.1:${host.port}`);
    clients.push(early);
    await early.until(() => early.frames[0], "challenge");
    expect(await early.request("agents.list", {})).toMatchObject({ ok: false, error: { message: "first request must be connect" } });
    const old = new RawClient(`ws://127.0.0.1:${host.port}`);
    clients.push(old);
    await old.until(() => old.frames[0], "challenge");
    const res = await old.request("connect", {
      minProtocol: 3,
      maxProtocol: 3,
      client: { id: "test", version: "1", platform: "t", mode: "test" },
    });
    expect(res.error.message).toContain("protocol mismatch");
  });

  it("answers malformed frames with errors and keeps serving", async () => {
    const host = await startHost();
    const client = await connected(host);
    client.sendRaw("{not json");
    await client.until(() => client.frames.find((f) => f.type === "res" && f.error?.message?.startsWith("invalid frame")), "json error");
    client.sendRaw(JSON.stringify({ type: "req", id: "x1" }));
    const invalid = await client.until(() => client.frames.find((f) => f.id === "x1"), "shape error");
    expect(invalid.error).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringContaining("method") });
    expect((await client.request("runs.wait", {})).error).toMatchObject({ code: "INVALID_REQUEST", message: "unknown method: runs.wait" });
    expect((await client.request("sessions.send", { key: 5 })).error.message).toContain("invalid sessions.send params");
    expect((await client.request("agents.list", {})).payload.agents.map((a: { id: string }) => a.id)).toEqual(["main", "cody"]);
  });

  it("refuses an oversized or binary frame before connect", async () => {
    const host = await startHost();
    const big = new RawClient(`ws://127.0.0.1:${host.port}`);
    clients.push(big);
    await big.until(() => big.frames[0], "challenge");
    big.sendRaw("x".repeat(70 * 1024));
    expect((await big.until(() => big.closed, "close after oversized frame")).code).toBe(1009);
    const binary = await connected(host);
    binary.socket.send(Buffer.from([1, 2, 3]));
    await binary.until(
      () => binary.frames.find((f) => f.error?.message === "invalid frame: binary frames are not supported"),
      "binary error",
    );
    expect((await binary.request("agents.list", {})).ok).toBe(true);
  });

  it("enforces scopes with MISSING_SCOPE details", async () => {
    const host = await startHost();
    const reader = await connected(host, { scopes: ["operator.read"] });
    const res = await reader.request("tools.invoke", { name: "echo_status" });
    expect(res.error).toEqual({
      code: "FORBIDDEN",
      message: "missing scope: operator.write",
      details: { code: "MISSING_SCOPE", missingScope: "operator.write", requiredScopes: ["operator.write"] },
    });
    expect((await reader.request("tools.catalog", {})).ok).toBe(true);
  });
});

describe("LocalHost Gateway protocol: limits and hostile input", () => {
  async function raw(host: LocalHost, target = "/"): Promise<RawWebSocket> {
    const socket = await RawWebSocket.open(host.port, target);
    raws.push(socket);
    return socket;
  }

  it("item 9: a pre-connect frame over 64 KiB is refused from its header (1009), before its payload is buffered", async () => {
    const host = await startHost();
    const socket = await raw(host);
    await socket.until(() => socket.json().find((f) => f.event === "connect.challenge"), "challenge");
    // The header promises 20 MiB; only 16 bytes follow. Buffering first would wait here forever.
    socket.write(clientFrame(0x1, Buffer.alloc(16, 0x20), 20 * 1024 * 1024));
    expect(await socket.until(() => socket.closeCode, "close frame")).toBe(1009);
  });

  it("item 9: after connect the frame limit rises to the advertised policy.maxPayload", async () => {
    const host = await startHost();
    const client = await connected(host);
    expect(client.frames.find((f) => f.type === "res")?.payload.policy.maxPayload).toBe(25 * 1024 * 1024);
    const note = "n".repeat(200 * 1024);
    const invoked = await client.request("tools.invoke", { name: "echo_status", args: { note } });
    expect(invoked.payload).toMatchObject({ ok: true, output: { details: { note } } });
  });

  it("item 9: a socket that has not connected within the handshake timeout is closed with 1000, as the gateway does", async () => {
    const host = await startHost({ handshakeTimeoutMs: 200 });
    const socket = await raw(host);
    expect(await socket.until(() => socket.closeCode, "handshake timeout close")).toBe(1000);
    const client = await connected(host);
    expect((await client.request("agents.list", {})).ok).toBe(true);
  });

  it("item 9: sockets waiting to connect past maxPreauthConnections are refused with a 503 JSON; a connected one frees its slot", async () => {
    const host = await startHost({ maxPreauthConnections: 2 });
    const first = await raw(host);
    await raw(host);
    const refused = await raw(host);
    expect(refused.head).toMatch(/^HTTP\/1\.1 503 /);
    expect(JSON.parse(refused.refusalBody)).toMatchObject({ ok: false, error: { type: "unavailable" } });
    first.sendText(JSON.stringify({ type: "req", id: "c1", method: "connect", params: connectParams(host.token) }));
    await first.until(() => first.json().find((f) => f.id === "c1" && f.ok), "hello-ok");
    const admitted = await raw(host);
    expect(admitted.head).toMatch(/^HTTP\/1\.1 101 /);
  });

  it("item 9: a connected peer that stops answering pings is terminated; one that answers stays", async () => {
    const host = await startHost({ heartbeatIntervalMs: 100 });
    const live = await connected(host);
    let pings = 0;
    live.socket.on("ping", () => {
      pings += 1;
    });
    const socket = await raw(host);
    socket.sendText(JSON.stringify({ type: "req", id: "c1", method: "connect", params: connectParams(host.token) }));
    await socket.until(() => socket.json().find((f) => f.id === "c1" && f.ok), "hello-ok");
    await socket.until(() => (socket.closed ? true : undefined), "termination");
    expect(socket.frames.some((f) => f.opcode === 0x9)).toBe(true);
    expect(socket.closeCode).toBeUndefined();
    await live.until(() => (pings >= 3 ? pings : undefined), "three pings answered");
    expect((await live.request("agents.list", {})).ok).toBe(true);
  });

  it("item 1: an upgrade with a malformed target or handshake is a 400 with the host envelope, and the host keeps serving", async () => {
    const host = await startHost();
    for (const target of ["//[", "/%zz", "/a b"]) {
      const refused = await raw(host, target);
      expect(refused.head, target).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(refused.refusalBody), target).toMatchObject({ ok: false, error: { type: "invalid_request" } });
    }
    const handshake = (headers: string) =>
      rawExchange(host.port, `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n`);
    for (const headers of [
      "Sec-WebSocket-Version: 13\r\n",
      "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n",
    ]) {
      const refused = await handshake(headers);
      expect(statusOf(refused), headers).toBe(400);
      expect(bodyOf(refused), headers).toMatchObject({
        ok: false,
        error: { type: "invalid_request", message: expect.stringContaining("WebSocket handshake") },
      });
    }
    const client = await connected(host);
    expect((await client.request("agents.list", {})).ok).toBe(true);
  });

  it("item 2: prototype names as method, session key, agent id or run id are error frames and Object.prototype stays clean", async () => {
    const host = await startHost();
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const client = await connected(host);
    for (const method of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      expect((await client.request(method, {})).error, method).toEqual({ code: "INVALID_REQUEST", message: `unknown method: ${method}` });
    }
    const reserved = { code: "INVALID_REQUEST", message: expect.stringContaining("reserved name") };
    expect((await client.request("sessions.send", { key: "__proto__", message: "hi" })).error).toMatchObject(reserved);
    expect(
      (await client.request("chat.send", { sessionKey: "agent:main:constructor", message: "hi", idempotencyKey: "i1" })).error,
    ).toMatchObject(reserved);
    expect((await client.request("sessions.create", { key: "toString" })).error).toMatchObject(reserved);
    expect((await client.request("tools.effective", { sessionKey: "agent:__proto__:x" })).error).toMatchObject(reserved);
    expect((await client.request("sessions.abort", { key: "constructor" })).error).toMatchObject(reserved);
    expect((await client.request("agent.identity.get", { agentId: "constructor" })).error.message).toBe("unknown agent id: constructor");
    expect((await client.request("agent.wait", { runId: "__proto__", timeoutMs: 1 })).payload).toEqual({
      runId: "__proto__",
      status: "timeout",
    });
    expect((await client.request("tools.invoke", { name: "constructor" })).payload).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    expect((await client.request("tools.invoke", { name: "echo_status", sessionKey: "__proto__" })).payload).toMatchObject({
      ok: false,
      error: { code: "invalid_request" },
    });
    expect((await client.request("agents.list", {})).ok).toBe(true);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

describe("LocalHost Gateway protocol: sessions, runs, tools", () => {
  it("streams a reply as agent and chat events, and agent.wait reports ok", async () => {
    const host = await startHost();
    const client = await connected(host);
    const created = await client.request("sessions.create", { agentId: "cody", label: "lane" });
    expect(created.payload.key).toMatch(/^agent:cody:dashboard:/);
    const sent = await client.request("sessions.send", { key: created.payload.key, message: "hello there friend" });
    const runId = sent.payload.runId as string;
    const wait = await client.request("agent.wait", { runId, timeoutMs: 5_000 });
    expect(wait.payload).toMatchObject({ runId, status: "ok" });
    const agent = client.events("agent", runId).map((f) => f.payload);
    // Agent events carry only the protocol's AgentEvent fields (no session key); chat events carry the key.
    expect(agent[0]).toEqual({ runId, seq: 1, stream: "lifecycle", ts: expect.any(Number), isHeartbeat: false, data: expect.any(Object) });
    expect(client.events("chat", runId)[0]!.payload).toMatchObject({ sessionKey: created.payload.key });
    const text = agent
      .filter((p) => p.stream === "assistant" && typeof p.data.delta === "string")
      .map((p) => p.data.delta)
      .join("");
    expect(text).toBe("Noted: hello there friend");
    expect(agent.at(-1)).toMatchObject({ stream: "lifecycle", data: { phase: "end" } });
    expect(client.events("chat", runId).map((f) => f.payload.state)).toContain("final");
    const seqs = agent.map((p) => p.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("wait deadline is a bare timeout; sessions.abort aborts, then answers no-active-run", async () => {
    const host = await startHost();
    const client = await connected(host);
    const key = "agent:main:lane-a";
    const sent = await client.request("sessions.send", { key, message: "a long story" });
    const runId = sent.payload.runId as string;
    expect((await client.request("agent.wait", { runId, timeoutMs: 5 })).payload).toEqual({ runId, status: "timeout" });
    expect((await client.request("sessions.send", { key, message: "again" })).error.message).toContain("already has an active run");
    expect((await client.request("sessions.abort", { key, runId })).payload).toEqual({ ok: true, abortedRunId: runId, status: "aborted" });
    const after = await client.request("agent.wait", { runId, timeoutMs: 5_000 });
    expect(after.payload).toEqual({ runId, status: "error", error: "aborted", stopReason: "rpc", endedAt: expect.any(Number) });
    const lifecycleEnd = client.events("agent", runId).find((f) => f.payload.stream === "lifecycle" && f.payload.data.phase === "end");
    expect(lifecycleEnd!.payload.data).toMatchObject({ status: "cancelled", aborted: true, stopReason: "rpc" });
    expect((await client.request("sessions.abort", { key, runId })).payload).toEqual({
      ok: true,
      abortedRunId: null,
      status: "no-active-run",
    });
    expect(client.events("agent", runId).at(-1)?.payload.data).toMatchObject({ phase: "end", status: "cancelled", stopReason: "rpc" });
  });

  it("chat.send starts a run whose id is the idempotency key", async () => {
    const host = await startHost();
    const client = await connected(host);
    const sent = await client.request("chat.send", { sessionKey: "agent:main:chat", message: "hi chat", idempotencyKey: "idem-1" });
    expect(sent.payload).toEqual({ runId: "idem-1", status: "started" });
    expect((await client.request("agent.wait", { runId: "idem-1", timeoutMs: 5_000 })).payload.status).toBe("ok");
    const missingKey = await client.request("chat.send", { sessionKey: "agent:main:chat", message: "x" });
    expect(missingKey.error.message).toContain("idempotencyKey");
  });

  it("a runtime timeout ends the run with terminal timeout metadata", async () => {
    const host = await startHost();
    const client = await connected(host);
    const sent = await client.request("sessions.send", { key: "agent:main:t", message: "please timeout" });
    const wait = await client.request("agent.wait", { runId: sent.payload.runId, timeoutMs: 5_000 });
    expect(wait.payload).toMatchObject({ status: "timeout", stopReason: "timeout", endedAt: expect.any(Number) });
  });

  it("calls a plugin tool with tool events only for tool-events connections, and resolves approvals", async () => {
    const host = await startHost();
    const withCaps = await connected(host);
    const withoutCaps = await connected(host, { caps: [] });
    const sent = await withCaps.request("sessions.send", { key: "agent:main:tools", message: "use a tool then ask approval" });
    const runId = sent.payload.runId as string;
    const requested = await withCaps.until(() => withCaps.events("exec.approval.requested", runId)[0], "approval request");
    const approvalId = requested.payload.id as string;
    expect((await withCaps.request("exec.approval.resolve", { id: "nope", decision: "deny" })).error.message).toContain("unknown");
    expect((await withCaps.request("exec.approval.resolve", { id: approvalId, decision: "allow-once" })).ok).toBe(true);
    expect((await withCaps.request("agent.wait", { runId, timeoutMs: 5_000 })).payload.status).toBe("ok");
    const tools = withCaps.events("agent", runId).filter((f) => f.payload.stream === "tool");
    expect(tools.map((f) => f.payload.data.phase)).toEqual(["start", "result"]);
    expect(tools[1]!.payload.data).toMatchObject({ name: "echo_status", isError: false, result: { details: { success: true } } });
    const items = withCaps.events("agent", runId).filter((f) => f.payload.stream === "item");
    expect(items.map((f) => [f.payload.data.phase, f.payload.data.status])).toEqual([
      ["start", "running"],
      ["end", "completed"],
    ]);
    await withoutCaps.until(() => withoutCaps.events("agent", runId).find((f) => f.payload.data.phase === "end"), "end");
    expect(withoutCaps.events("agent", runId).some((f) => f.payload.stream === "tool")).toBe(false);
    expect(withCaps.events("exec.approval.resolved", runId)[0]!.payload.decision).toBe("allow-once");
  });

  it("tools.effective/catalog/invoke reflect loaded plugins", async () => {
    const host = await startHost();
    const client = await connected(host);
    expect((await client.request("tools.effective", { sessionKey: "nope" })).error.message).toBe("unknown session key: nope");
    const effective = await client.request("tools.effective", { sessionKey: "agent:cody:x" });
    expect(effective.payload).toMatchObject({
      agentId: "cody",
      groups: [{ id: "plugin", source: "plugin", tools: [{ id: "echo_status", label: "Echo status", pluginId: "echoer" }] }],
    });
    const invoked = await client.request("tools.invoke", { name: "echo_status", args: { note: "hi" } });
    expect(invoked.payload).toMatchObject({ ok: true, toolName: "echo_status", source: "plugin", output: { details: { note: "hi" } } });
    const missing = await client.request("tools.invoke", { name: "nope" });
    expect(missing.payload).toMatchObject({ ok: false, toolName: "nope", error: { code: "not_found" } });
    expect((await client.request("agent.identity.get", { agentId: "ghost" })).error.message).toBe("unknown agent id: ghost");
  });
});
