import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { GatewayDouble } from "../../test/gateway-double.js";
import { createOpenMeowSDKClient } from "../adapter/create-client.js";
import { OpenClawGatewayClient } from "./openclaw-gateway-client.js";
import type { WebSocketConstructor } from "./protocol-client.js";
import type { OpenClawEvent } from "./types.js";

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
const ALL = [
  "agents.list",
  "agent.identity.get",
  "sessions.create",
  "sessions.send",
  "agent.wait",
  "sessions.abort",
  "tools.effective",
  "tools.invoke",
];

const doubles: GatewayDouble[] = [];
const clients: OpenClawGatewayClient[] = [];

async function setup(methods = ALL, options: { reconnect?: false } = {}) {
  const gateway = new GatewayDouble(methods);
  doubles.push(gateway);
  const url = await gateway.start();
  const client = new OpenClawGatewayClient({ url, token: "tok", WebSocket: NodeWebSocket, requestTimeoutMs: 2_000, ...options });
  clients.push(client);
  return { gateway, url, client };
}

async function collect(stream: AsyncIterable<OpenClawEvent>): Promise<OpenClawEvent[]> {
  const out: OpenClawEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const gateway of doubles.splice(0)) await gateway.stop();
});

describe("OpenClawGatewayClient against a gateway double", () => {
  it("connects with protocol 4, token auth and the tool-events cap", async () => {
    const { gateway, client } = await setup();
    const hello = await client.connect();
    expect(hello.features.methods).toContain("tools.invoke");
    expect(gateway.connectParams).toMatchObject({
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: "gateway-client", mode: "backend" },
      caps: ["tool-events"],
      auth: { token: "tok" },
    });
    expect(client.hasMethod("tools.invoke")).toBe(true);
    expect(client.hasMethod("runs.wait")).toBe(false);
  });

  it("replays a run's early events to an events() subscription made after send", async () => {
    const { gateway, client } = await setup();
    gateway.handlers["sessions.send"] = (_params, gw) => {
      queueMicrotask(() => {
        gw.agent("run-1", "lifecycle", { phase: "start" });
        gw.agent("run-1", "assistant", { delta: "Hel" });
      });
      return { ok: true, payload: { runId: "run-1", status: "started" } };
    };
    const run = await client.sessions.send({ key: "agent:main:lane", message: "hi" });
    expect(run).toMatchObject({ runId: "run-1", id: "run-1", sessionKey: "agent:main:lane" });
    await client.request("agents.list").catch(() => undefined);
    const late = client.runs.events("run-1");
    gateway.agent("run-1", "assistant", { delta: "lo" });
    gateway.emit("chat", { runId: "run-1", sessionKey: "agent:main:lane", state: "delta", deltaText: "lo" });
    gateway.agent("run-1", "lifecycle", { phase: "end" });
    gateway.agent("run-1", "assistant", { delta: "after the end" });
    const events = await collect(late);
    expect(events.map((e) => e.type)).toEqual(["run.started", "assistant.delta", "assistant.delta", "run.completed"]);
    expect(events.map((e) => (e.data as { delta?: string }).delta).join("")).toBe("Hello");
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const again = await collect(client.runs.events("run-1"));
    expect(again.map((e) => e.type)).toEqual(["run.started", "assistant.delta", "assistant.delta", "run.completed"]);
  });

  it("projects chat frames when a gateway sends no canonical assistant events", async () => {
    const { gateway, client } = await setup();
    await client.connect();
    const stream = client.runs.events("run-c");
    gateway.emit("chat", { runId: "run-c", sessionKey: "k", state: "delta", deltaText: "A" });
    gateway.emit("chat", { runId: "run-c", sessionKey: "k", state: "delta", deltaText: "B" });
    gateway.emit("chat", { runId: "run-c", sessionKey: "k", state: "final" });
    const events = await collect(stream);
    expect(events.map((e) => [e.type, (e.data as { text?: string }).text ?? (e.data as { outputText?: string }).outputText])).toEqual([
      ["assistant.delta", "A"],
      ["assistant.delta", "AB"],
      ["run.completed", "AB"],
    ]);
  });

  it("maps agent.wait: a wait deadline is accepted, a runtime timeout is timed_out, rpc abort is cancelled", async () => {
    const { gateway, client } = await setup();
    const replies: Record<string, unknown> = {
      live: { runId: "live", status: "timeout" },
      slow: { runId: "slow", status: "timeout", stopReason: "timeout", endedAt: 9 },
      stopped: { runId: "stopped", status: "timeout", stopReason: "rpc", endedAt: 9 },
      done: { runId: "done", status: "ok", startedAt: 1, endedAt: 2 },
      broken: { runId: "broken", status: "error", error: "boom" },
    };
    gateway.handlers["agent.wait"] = (params) => ({ ok: true, payload: replies[params.runId as string] });
    expect((await client.runs.wait("live", { timeoutMs: 10 })).status).toBe("accepted");
    expect(gateway.requests.at(-1)).toEqual({ method: "agent.wait", params: { runId: "live", timeoutMs: 10 } });
    expect((await client.runs.wait("slow")).status).toBe("timed_out");
    expect((await client.runs.wait("stopped")).status).toBe("cancelled");
    expect(await client.runs.wait("done")).toMatchObject({ status: "completed", startedAt: 1, endedAt: 2 });
    expect(await client.runs.wait("broken")).toMatchObject({ status: "failed", error: { message: "boom" } });
  });

  it("cancels through sessions.abort and reports aborted, then no-active-run", async () => {
    const { gateway, client } = await setup();
    let active = true;
    gateway.handlers["sessions.abort"] = (params) => {
      const payload = active
        ? { ok: true, abortedRunId: params.runId, status: "aborted" }
        : { ok: true, abortedRunId: null, status: "no-active-run" };
      active = false;
      return { ok: true, payload };
    };
    expect(await client.runs.cancel("run-9", "agent:main:lane")).toEqual({ ok: true, abortedRunId: "run-9", status: "aborted" });
    expect(gateway.requests.at(-1)).toEqual({ method: "sessions.abort", params: { runId: "run-9", key: "agent:main:lane" } });
    expect(await client.runs.cancel("run-9", "agent:main:lane")).toEqual({ ok: true, abortedRunId: null, status: "no-active-run" });
  });

  it("refuses tools.effective without a session key and passes gateway errors through", async () => {
    const { gateway, client } = await setup();
    await expect(client.tools.effective({ sessionKey: "" })).rejects.toThrow("tools.effective requires sessionKey");
    gateway.handlers["tools.effective"] = () => ({ ok: false, error: { code: "INVALID_REQUEST", message: "unknown session key: x" } });
    await expect(client.tools.effective({ sessionKey: "x" })).rejects.toMatchObject({
      code: "INVALID_REQUEST",
      message: "unknown session key: x",
    });
  });

  it("ignores malformed frames from the gateway and keeps working", async () => {
    const { gateway, url } = await setup();
    const errors: string[] = [];
    const guarded = new OpenClawGatewayClient({
      url,
      WebSocket: NodeWebSocket,
      onProtocolError: (m) => errors.push(m),
    });
    clients.push(guarded);
    await guarded.connect();
    gateway.emitRaw("not json");
    gateway.emitRaw(JSON.stringify({ type: "bogus" }));
    gateway.handlers["agents.list"] = () => ({ ok: true, payload: { agents: [{ id: "main" }] } });
    expect(await guarded.agents.list()).toMatchObject({ agents: [{ id: "main" }] });
    expect(errors).toEqual(["gateway sent a frame that is not JSON", expect.stringContaining("gateway sent an invalid frame")]);
  });

  it("fails clearly when the gateway is unreachable, and with reconnecting off ends subscriptions when the connection drops", async () => {
    const dead = new OpenClawGatewayClient({ url: "ws://127.0.0.1:9", WebSocket: NodeWebSocket });
    await expect(dead.connect()).rejects.toThrow("gateway unreachable at ws://127.0.0.1:9");
    const { gateway, client } = await setup(ALL, { reconnect: false });
    gateway.handlers["agent.wait"] = () => new Promise(() => {});
    await client.connect();
    const stream = collect(client.runs.events("never-ends"));
    const wait = client.runs.wait("never-ends");
    for (const socket of gateway.sockets) socket.terminate();
    await expect(wait).rejects.toThrow("gateway connection closed");
    expect(await stream).toEqual([]);
  });
});

describe("createOpenMeowSDKClient over the gateway client", () => {
  it("falls back to HTTP /tools/invoke when hello-ok lacks tools.invoke, with the password as bearer", async () => {
    const { gateway, url } = await setup(ALL.filter((m) => m !== "tools.invoke"));
    const adapter = createOpenMeowSDKClient({ gateway: url, token: "tok", password: "pw", WebSocket: NodeWebSocket });
    await adapter.connect();
    gateway.httpReply = {
      status: 200,
      body: JSON.stringify({ ok: true, result: { content: [{ type: "text", text: "{}" }], details: { a: 1 } } }),
    };
    const ok = await adapter.invokeTool("clawbridge_status", { args: { echo: "x" }, sessionKey: "agent:main:lane" });
    expect(ok).toEqual({
      ok: true,
      toolName: "clawbridge_status",
      source: "http",
      output: { content: [{ type: "text", text: "{}" }], details: { a: 1 } },
    });
    expect(gateway.requests.some((r) => r.method === "tools.invoke")).toBe(false);
    const call = gateway.httpCalls.at(-1)!;
    expect(call.path).toBe("/tools/invoke");
    expect(call.headers.authorization).toBe("Bearer pw");
    expect(JSON.parse(call.body)).toEqual({ tool: "clawbridge_status", args: { echo: "x" }, sessionKey: "agent:main:lane" });
    gateway.httpReply = {
      status: 404,
      body: JSON.stringify({ ok: false, error: { type: "not_found", message: "Tool not available: nope" } }),
    };
    expect(await adapter.invokeTool("nope")).toEqual({
      ok: false,
      toolName: "nope",
      source: "http",
      error: { code: "not_found", message: "Tool not available: nope" },
    });
    gateway.httpReply = { status: 401, body: "Unauthorized" };
    expect(await adapter.invokeTool("nope")).toMatchObject({ ok: false, error: { code: "http_401", message: "Unauthorized" } });
    await expect(adapter.invokeTool("x", { confirm: true })).rejects.toThrow("does not support confirm: true");
    await adapter.close();
  });

  it("falls back to HTTP when the gateway answers tools.invoke with unknown method, and rethrows other errors", async () => {
    const { gateway, url } = await setup();
    const adapter = createOpenMeowSDKClient({ gateway: url, token: "tok", WebSocket: NodeWebSocket });
    const result = await adapter.invokeTool("clawbridge_status", { sessionKey: "s" });
    expect(gateway.requests.at(-1)?.method).toBe("tools.invoke");
    expect(result).toMatchObject({ ok: true, toolName: "clawbridge_status", source: "http" });
    expect(gateway.httpCalls.at(-1)?.headers.authorization).toBe("Bearer tok");
    gateway.handlers["tools.invoke"] = () => ({ ok: false, error: { code: "FORBIDDEN", message: "missing scope: operator.write" } });
    await expect(adapter.invokeTool("clawbridge_status")).rejects.toThrow("missing scope: operator.write");
    expect(gateway.httpCalls).toHaveLength(1);
    await adapter.close();
  });

  it("uses the tools.invoke RPC when the gateway advertises it", async () => {
    const { gateway, url } = await setup();
    gateway.handlers["tools.invoke"] = (params) => ({
      ok: true,
      payload: { ok: true, toolName: params.name, output: { n: 1 }, source: "plugin" },
    });
    const adapter = createOpenMeowSDKClient({ gateway: url, token: "tok", WebSocket: NodeWebSocket });
    expect(await adapter.invokeTool("t", { args: { a: 1 }, sessionKey: "s" })).toEqual({
      ok: true,
      toolName: "t",
      output: { n: 1 },
      source: "plugin",
    });
    expect(gateway.requests.at(-1)).toEqual({
      method: "tools.invoke",
      params: { name: "t", conversationReadOrigin: "direct-operator", args: { a: 1 }, sessionKey: "s" },
    });
    expect(gateway.httpCalls).toEqual([]);
    await adapter.close();
  });

  it("runs the lane flow: sessions.create, send with runId and sessionKey, effective tools with the lane key", async () => {
    const { gateway, url } = await setup();
    gateway.handlers["sessions.create"] = () => ({ ok: true, payload: { ok: true, key: "agent:cody:dashboard:1" } });
    gateway.handlers["sessions.send"] = () => ({ ok: true, payload: { runId: "r-1", status: "started" } });
    gateway.handlers["tools.effective"] = (params) => ({ ok: true, payload: { agentId: "cody", groups: [], seen: params.sessionKey } });
    gateway.handlers["agent.identity.get"] = (params) => ({ ok: true, payload: { agentId: params.agentId, name: "Cody" } });
    const adapter = createOpenMeowSDKClient({ gateway: url, token: "tok", WebSocket: NodeWebSocket });
    const { sessionKey } = await adapter.createLaneSession({ agentId: "cody", label: "Cody" });
    expect(gateway.requests.at(-1)).toEqual({ method: "sessions.create", params: { agentId: "cody", label: "Cody" } });
    expect(await adapter.send(sessionKey, "hello")).toEqual({ runId: "r-1", sessionKey: "agent:cody:dashboard:1", status: "started" });
    expect(await adapter.effectiveTools(sessionKey)).toMatchObject({ seen: "agent:cody:dashboard:1" });
    expect(await adapter.getAgentIdentity("cody")).toMatchObject({ name: "Cody" });
    await expect(adapter.effectiveTools("")).rejects.toThrow("tools.effective requires sessionKey");
    gateway.handlers["sessions.send"] = () => ({ ok: true, payload: { status: "started" } });
    await expect(adapter.send(sessionKey, "x")).rejects.toThrow("sessions.send answered an unexpected shape");
    await adapter.close();
  });
});
