import { afterEach, describe, expect, it } from "vitest";
import { GatewayDouble } from "../../test/gateway-double.js";
import { createOpenMeowSDKClient } from "./create-client.js";
import type { FetchLike, OpenClawLike } from "./types.js";

// The adapter half of the public OpenMeow SDK's contract (OpenCoven/open-meow-sdk), in our own words:
// calls pass through to an SDK-shaped client unchanged, and the HTTP /tools/invoke fallback reads any
// gateway's success envelope through nothing more than `json()`.

let double: GatewayDouble | undefined;
afterEach(async () => {
  await double?.stop();
  double = undefined;
});

/** A fallback target: a real loopback server answering `/tools/invoke` with the given JSON. */
async function toolsServer(status: number, body: unknown): Promise<{ server: GatewayDouble; url: string }> {
  const server = new GatewayDouble([]);
  double = server;
  server.httpReply = { status, body: JSON.stringify(body) };
  return { server, url: await server.start() };
}

/** fetch reduced to what upstream asks of a response (`ok`, `status`, `json()`), recording the headers it was given. */
function jsonOnlyFetch(seen: Array<Record<string, string>>): FetchLike {
  return async (url, init) => {
    seen.push(init.headers);
    const response = await fetch(url, init);
    return { ok: response.ok, status: response.status, json: () => response.json() };
  };
}

const noRpc: OpenClawLike = {
  tools: {
    invoke: async () => {
      throw new Error("unknown method: tools.invoke");
    },
  },
};

describe("adapter over an SDK-shaped client", () => {
  it("passes every call and answer through unchanged", async () => {
    const calls: unknown[][] = [];
    const openClaw: OpenClawLike = {
      agents: {
        list: async () => [{ id: "main" }],
        get: async (id: string) => ({ identity: async () => ({ id, name: "Main" }) }),
      },
      sessions: {
        create: async (params: unknown) => {
          calls.push(["create", params]);
          return { key: "agent:main:x" };
        },
        send: async (params: unknown) => {
          calls.push(["send", params]);
          return { id: "run-7" };
        },
      },
      runs: {
        events: (runId: string) => [{ type: "run.completed", runId }].values(),
        wait: async (runId: string, params: unknown) => {
          calls.push(["wait", runId, params]);
          return { runId, status: "completed" };
        },
        cancel: async (runId: string, key: string) => ({ runId, key, status: "cancelled" }),
      },
      tools: {
        effective: async (params: unknown) => ({ groups: [], params }),
        invoke: async (name: string, params: unknown) => ({ ok: true, toolName: name, output: params }),
      },
    };
    const client = createOpenMeowSDKClient({ openClaw });
    expect(await client.listAgents()).toEqual([{ id: "main" }]);
    expect(await client.getAgentIdentity("main")).toEqual({ id: "main", name: "Main" });
    expect(await client.createLaneSession({ agentId: "main", label: "Lane" })).toEqual({ sessionKey: "agent:main:x" });
    expect(await client.send("agent:main:x", "go")).toEqual({ runId: "run-7", sessionKey: "agent:main:x" });
    const seen = [];
    for await (const event of client.events("run-7")) seen.push(event);
    expect(seen).toEqual([{ type: "run.completed", runId: "run-7" }]);
    expect(await client.wait("run-7", 5_000)).toEqual({ runId: "run-7", status: "completed" });
    expect(await client.cancel("run-7", "agent:main:x")).toEqual({ runId: "run-7", key: "agent:main:x", status: "cancelled" });
    expect(await client.effectiveTools("agent:main:x")).toEqual({ groups: [], params: { sessionKey: "agent:main:x" } });
    expect(await client.invokeTool("t", { args: { a: 1 }, confirm: false })).toEqual({
      ok: true,
      toolName: "t",
      output: { args: { a: 1 }, confirm: false },
    });
    expect(calls).toEqual([
      ["create", { agentId: "main", label: "Lane" }],
      ["send", { key: "agent:main:x", message: "go" }],
      ["wait", "run-7", { timeoutMs: 5_000 }],
    ]);
  });
});

describe("bad input to the adapter", () => {
  it("refuses blank ids and a missing target before calling the SDK, in upstream's words", async () => {
    const called: string[] = [];
    const record =
      (name: string) =>
      async (..._args: unknown[]) => {
        called.push(name);
        return {};
      };
    const client = createOpenMeowSDKClient({
      openClaw: {
        agents: { get: record("agents.get") },
        sessions: { create: record("sessions.create"), send: record("sessions.send"), abort: record("sessions.abort") },
        runs: { events: record("runs.events"), wait: record("runs.wait") },
        tools: { invoke: record("tools.invoke") },
      },
    });
    await expect(client.getAgentIdentity(" ")).rejects.toThrow("agentId must be a non-empty string");
    await expect(client.createLaneSession(undefined as never)).rejects.toThrow("target must be an object");
    await expect(client.createLaneSession({ agentId: "" })).rejects.toThrow("target.agentId must be a non-empty string");
    await expect(client.send("agent:main:x", "")).rejects.toThrow("message must be a non-empty string");
    await expect(client.send("", "hi")).rejects.toThrow("sessionKey must be a non-empty string");
    await expect(client.wait("")).rejects.toThrow("runId must be a non-empty string");
    await expect(client.cancel("run-1", "")).rejects.toThrow("sessionKey must be a non-empty string");
    await expect(client.events("")[Symbol.asyncIterator]().next()).rejects.toThrow("runId must be a non-empty string");
    await expect(client.invokeTool("")).rejects.toThrow("name must be a non-empty string");
    await expect(client.invokeTool("t", null as never)).rejects.toThrow("params must be an object");
    expect(called).toEqual([]);
    await client.connect();
  });
});

describe("HTTP /tools/invoke fallback", () => {
  it("returns a bare-object result of a 200 as the output, reading the response with json() alone", async () => {
    const { server, url } = await toolsServer(200, { ok: true, result: { screen: "locked" } });
    const headers: Array<Record<string, string>> = [];
    const client = createOpenMeowSDKClient({
      openClaw: noRpc,
      gateway: url,
      token: "tok",
      password: "pw",
      fetch: jsonOnlyFetch(headers),
    });
    expect(await client.invokeTool("screen_state", { args: { detail: 1 }, sessionKey: "agent:main:x", idempotencyKey: "k-1" })).toEqual({
      ok: true,
      toolName: "screen_state",
      output: { screen: "locked" },
      source: "http",
    });
    expect(headers).toEqual([{ "Content-Type": "application/json", Authorization: "Bearer pw" }]);
    const call = server.httpCalls.at(-1)!;
    expect(call.path).toBe("/tools/invoke");
    expect(call.headers.authorization).toBe("Bearer pw");
    expect(JSON.parse(call.body)).toEqual({ tool: "screen_state", args: { detail: 1 }, sessionKey: "agent:main:x", idempotencyKey: "k-1" });
  });

  it("maps a failure envelope, and a body that is not JSON, to {ok:false, error}", async () => {
    const { server, url } = await toolsServer(404, { ok: false, error: { type: "not_found", message: "Tool not available: nope" } });
    const gateway = url.replace("ws:", "http:");
    const client = createOpenMeowSDKClient({ openClaw: noRpc, gateway, fetch: jsonOnlyFetch([]) });
    expect(await client.invokeTool("nope")).toEqual({
      ok: false,
      toolName: "nope",
      source: "http",
      error: { code: "not_found", message: "Tool not available: nope" },
    });
    server.httpReply = { status: 502, body: "<html>bad gateway</html>" };
    expect(await client.invokeTool("nope")).toEqual({
      ok: false,
      toolName: "nope",
      source: "http",
      error: { code: "http_502", message: "HTTP 502" },
    });
    server.httpReply = { status: 200, body: JSON.stringify({ ok: false }) };
    expect(await client.invokeTool("nope")).toMatchObject({ ok: false, error: { code: "http_200" } });
  });

  it("refuses, in upstream's words, a fallback with no explicit gateway URL and a confirm:true call", async () => {
    await expect(createOpenMeowSDKClient({ openClaw: { tools: {} } }).invokeTool("t", { args: {} })).rejects.toThrow(
      /HTTP tool fallback requires an explicit Gateway URL/,
    );
    await expect(createOpenMeowSDKClient({ openClaw: noRpc, gateway: "auto" }).invokeTool("t")).rejects.toThrow(
      /HTTP tool fallback requires an explicit Gateway URL/,
    );
    await expect(
      createOpenMeowSDKClient({ openClaw: noRpc, gateway: "ws://127.0.0.1:1" }).invokeTool("t", { confirm: true }),
    ).rejects.toThrow(/HTTP tool fallback does not support confirm: true/);
  });
});
