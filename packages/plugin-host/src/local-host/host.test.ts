import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { resolveAgentId } from "../agent-runtimes.js";
import { definePlugin } from "../define-plugin.js";
import { defineTool } from "../define-tool.js";
import { bodyOf, rawExchange, statusOf } from "../testing/index.js";
import { LocalHost } from "./host.js";

const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() };

const events: string[] = [];

const demo = definePlugin({
  id: "demo",
  name: "Demo",
  description: "demo plugin for host tests",
  config: z.strictObject({ prefix: z.string().default(">") }),
  register(api, config) {
    api.registerTool(
      (ctx) =>
        defineTool({
          name: "demo_whoami",
          label: "Who am I",
          description: "Reports the resolved agent",
          params: z.object({ note: z.string().optional() }),
          execute: ({ note }) => ({
            success: true,
            agentId: resolveAgentId(ctx),
            sessionKey: ctx.sessionKey,
            note: `${config.prefix}${note ?? ""}`,
          }),
        }),
      { names: ["demo_whoami"] },
    );
    api.registerTool({
      name: "demo_throws",
      label: "Throws",
      description: "A raw tool that throws",
      parameters: { type: "object", properties: {} } as never,
      async execute() {
        throw new Error("raw failure");
      },
    });
    api.registerService({
      id: "demo-service",
      start: (ctx) => {
        events.push(`start:${ctx.stateDir.length > 0}`);
      },
      stop: () => {
        events.push("stop");
      },
    });
    api.registerHttpRoute({
      path: "/demo/public",
      auth: "plugin",
      handler: (_req, res) => {
        res.end("public");
        return true;
      },
    });
    api.registerHttpRoute({
      path: "/demo/private",
      auth: "gateway",
      match: "prefix",
      handler: (req, res) => {
        res.end(`private ${req.url}`);
        return true;
      },
    });
    api.registerHttpRoute({
      path: "/demo/broken",
      auth: "plugin",
      handler: () => {
        throw new Error("route bug");
      },
    });
    api.registerHttpRoute({
      path: "/demo/rejects",
      auth: "gateway",
      handler: async () => {
        await Promise.resolve();
        throw new Error("async route bug");
      },
    });
    api.on("before_prompt_build", () => ({ prependContext: "demo context" }));
    api.on("agent_end", (event) => {
      events.push(`agent_end:${(event as { success: boolean }).success}`);
    });
    api.registerGatewayMethod("demo.ping", ({ params, respond }) => respond(true, { pong: true, params }), { scope: "operator.read" });
    api.registerGatewayMethod("demo.admin", ({ respond }) => respond(true, {}));
  },
});

let host: LocalHost | undefined;

async function startHost(extra: Partial<ConstructorParameters<typeof LocalHost>[0]> = {}) {
  const stateDir = await mkdtemp(join(tmpdir(), "local-host-"));
  host = new LocalHost({ stateDir, logger: quiet, agents: ["main", "ops"], ...extra });
  await host.load(demo);
  await host.start();
  return host;
}

afterEach(async () => {
  await host?.stop();
  host = undefined;
  events.length = 0;
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

function send(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  const target = host as LocalHost;
  return new Promise((resolve, reject) => {
    const req = request(`${target.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

const connectionsOf = (target: LocalHost) =>
  new Promise<number>((resolve, reject) => target.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));

async function waitFor<T>(pick: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const found = await pick();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const auth = () => ({ authorization: `Bearer ${(host as LocalHost).token}`, "content-type": "application/json" });
const invoke = (body: unknown, headers: Record<string, string> = auth()) => send("POST", "/tools/invoke", JSON.stringify(body), headers);

describe("LocalHost /tools/invoke", () => {
  it("invokes a tool with the gateway's defaults for agent and session", async () => {
    await startHost();
    const reply = await invoke({ tool: "demo_whoami", args: { note: "x" } });
    expect(reply.status).toBe(200);
    expect(reply.json.ok).toBe(true);
    expect(reply.json.result.details).toEqual({ success: true, agentId: "main", sessionKey: "agent:main:main", note: ">x" });
    expect(JSON.parse(reply.json.result.content[0].text)).toEqual(reply.json.result.details);
  });

  it("scopes sessions like the gateway: prefix wins, bare keys get the agent, name beats tool", async () => {
    await startHost();
    expect((await invoke({ tool: "demo_whoami", sessionKey: "agent:zed:x" })).json.result.details.agentId).toBe("zed");
    expect((await invoke({ tool: "demo_whoami", sessionKey: "chat" })).json.result.details.sessionKey).toBe("agent:main:chat");
    expect((await invoke({ tool: "demo_whoami", agentId: "ops" })).json.result.details.sessionKey).toBe("agent:ops:main");
    expect((await invoke({ tool: "nope", name: "demo_whoami" })).status).toBe(200);
  });

  it("answers every bad input with the documented envelope", async () => {
    await startHost();
    const cases: Array<[Promise<Reply>, number, string]> = [
      [invoke({ tool: "demo_whoami" }, { "content-type": "application/json" }), 401, "unauthorized"],
      [invoke({ tool: "demo_whoami" }, { authorization: "Bearer wrong", "content-type": "application/json" }), 401, "unauthorized"],
      [invoke({ tool: "missing_tool" }), 404, "not_found"],
      [send("POST", "/tools/invoke", '{"tool":', auth()), 400, "invalid_request_error"],
      [invoke({ args: {} }), 400, "invalid_request"],
      [invoke([1, 2]), 400, "invalid_request"],
      [invoke({ tool: 5 }), 400, "invalid_request"],
      [invoke({ tool: "demo_whoami", sessionKey: 7 }), 400, "invalid_request"],
      [invoke({ tool: "demo_whoami", agentId: "other" }), 400, "invalid_request"],
      [invoke({ tool: "demo_whoami", agentId: "main", sessionKey: "agent:ops:x" }), 400, "invalid_request"],
      [invoke({ tool: "demo_throws" }), 500, "tool_error"],
      [send("GET", "/tools/invoke", undefined, auth()), 405, "method_not_allowed"],
    ];
    for (const [pending, status, type] of cases) {
      const reply = await pending;
      expect({ status: reply.status, ok: reply.json?.ok, type: reply.json?.error?.type }).toEqual({ status, ok: false, type });
      expect(typeof reply.json.error.message).toBe("string");
    }
    const notFound = await invoke({ tool: "missing_tool" });
    expect(notFound.json.error.message).toBe("Tool not available: missing_tool");
    expect((await invoke({ tool: "demo_whoami", agentId: "other" })).json.error.message).toBe('Unknown agent id "other"');
  });

  it("item 2: prototype keys as tool, session key or agent id are a clear 4xx and Object.prototype stays clean", async () => {
    await startHost();
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    for (const tool of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const reply = await invoke({ tool, args: {} });
      expect({ tool, status: reply.status, type: reply.json.error?.type }).toEqual({ tool, status: 404, type: "not_found" });
    }
    for (const sessionKey of [
      "__proto__",
      "constructor",
      "agent:main:toString",
      "agent:constructor:x",
      "agent:__PROTO__:x",
      "agent: __proto__ :x",
    ]) {
      const reply = await invoke({ tool: "demo_whoami", sessionKey });
      expect({ sessionKey, status: reply.status, type: reply.json.error?.type }).toEqual({
        sessionKey,
        status: 400,
        type: "invalid_request",
      });
      expect(reply.json.error.message).toContain("reserved name");
    }
    for (const agentId of ["constructor", "__proto__", "toString"]) {
      expect((await invoke({ tool: "demo_whoami", agentId })).status).toBe(400);
    }
    const pollution =
      '{"tool":"demo_whoami","action":"__proto__","args":{"__proto__":{"polluted":1},"note":"x"},"__proto__":{"polluted":1}}';
    expect((await send("POST", "/tools/invoke", pollution, auth())).status).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => new LocalHost({ stateDir: "/tmp/unused", logger: quiet, agents: ["main", "constructor"] })).toThrow(/reserved name/);
  });

  it("rejects bodies over the limit with 413, declared or streamed, and keeps serving", async () => {
    await startHost({ bodyLimitBytes: 1024 });
    const big = JSON.stringify({ tool: "demo_whoami", args: { note: "x".repeat(2048) } });
    const declared = await send("POST", "/tools/invoke", big, auth());
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({ ok: false, error: { type: "invalid_request_error", message: "Payload too large" } });
    const streamed = await send("POST", "/tools/invoke", Buffer.from(big), { ...auth(), "transfer-encoding": "chunked" });
    expect(streamed.status).toBe(413);
    expect((await invoke({ tool: "demo_whoami" })).status).toBe(200);
  });

  it("treats an empty body as no tool, and non-object args as none", async () => {
    await startHost();
    expect((await send("POST", "/tools/invoke", "", auth())).json.error.message).toBe("tools.invoke requires name");
    const reply = await invoke({ tool: "demo_whoami", args: "not-an-object" });
    expect(reply.json.result.details.note).toBe(">");
  });

  it("returns success:false for invalid tool arguments with 200, as the gateway does", async () => {
    await startHost();
    const reply = await invoke({ tool: "demo_whoami", args: { note: 12 } });
    expect(reply.status).toBe(200);
    expect(reply.json.result.details).toMatchObject({ success: false, issues: [{ path: "note" }] });
  });
});

describe("LocalHost plugin surface", () => {
  it("item 10: plugin routes need the host token unless an auth:plugin route is listed in publicRoutes", async () => {
    await startHost({ publicRoutes: ["/demo/public", "/demo/private"] });
    const denied = await send("GET", "/demo/broken");
    expect(denied.status).toBe(401);
    expect(denied.json).toEqual({ ok: false, error: { type: "unauthorized", message: "Unauthorized" } });
    expect((await send("GET", "/demo/broken", undefined, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await send("GET", "/demo/public")).text).toBe("public");
    // Listing a gateway-auth route does not lower it: the plugin asked for the gateway's check.
    expect((await send("GET", "/demo/private/x")).status).toBe(401);
    expect((await send("GET", "/demo/private/x?y=1", undefined, auth())).text).toBe("private /demo/private/x?y=1");
    expect((await send("GET", "/nowhere")).status).toBe(404);
    expect((await send("GET", "/health")).json).toEqual({ ok: true, status: "live" });
  });

  it("item 10: with no publicRoutes every plugin route, auth:plugin included, needs the host token", async () => {
    await startHost();
    expect((await send("GET", "/demo/public")).status).toBe(401);
    expect((await send("GET", "/demo/public", undefined, auth())).text).toBe("public");
  });

  it("item 1: a route that throws or rejects is a 500 for that request only, logged once without the query", async () => {
    const errors: string[] = [];
    await startHost({ logger: { ...quiet, error: (line: string) => errors.push(line) } });
    const broken = await send("GET", "/demo/broken?token=s3cret", undefined, auth());
    expect(broken.status).toBe(500);
    expect(broken.json).toEqual({ ok: false, error: { type: "internal_error", message: "plugin route failed" } });
    const rejected = await send("GET", "/demo/rejects?token=s3cret", undefined, auth());
    expect(rejected.status).toBe(500);
    expect(rejected.json.error.type).toBe("internal_error");
    expect(errors).toHaveLength(2);
    expect(errors.join("\n")).not.toMatch(/s3cret|Bearer/);
    expect((await send("GET", "/health")).status).toBe(200);
  });

  it("item 1: a malformed request target or %-escape is a 400 with the host envelope, never a 500", async () => {
    const errors: string[] = [];
    const target = await startHost({ logger: { ...quiet, error: (line: string) => errors.push(line) } });
    const cases: Array<[string, number, string]> = [
      ["GET //[ HTTP/1.1", 400, "invalid_request"],
      ["GET /demo/%zz HTTP/1.1", 400, "invalid_request"],
      ["POST /tools/%ff%/x HTTP/1.1", 400, "invalid_request"],
      // A leading `//` stays part of the path (no host is read from it): an unknown path.
      ["GET //a:99999/ HTTP/1.1", 404, "not_found"],
    ];
    for (const [line, status, type] of cases) {
      const raw = await rawExchange(target.port, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(raw.slice(0, 12), line).toBe(`HTTP/1.1 ${status}`);
      expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)), line).toMatchObject({ ok: false, error: { type } });
    }
    expect(errors).toEqual([]);
    expect((await send("GET", "/health")).status).toBe(200);
  });

  it("item 9: the HTTP server answers a slow header sender with a 408 and caps connections with a 503", async () => {
    const slow = await startHost({ http: { headersTimeoutMs: 200 } });
    const trickled = await rawExchange(slow.port, "GET /health HTTP/1.1\r\nHost: x\r\n");
    expect(statusOf(trickled)).toBe(408);
    expect(bodyOf(trickled)).toMatchObject({ ok: false, error: { type: "request_timeout" } });
    await slow.stop();

    const capped = await startHost({ http: { maxConnections: 3 } });
    const idle = await Promise.all([1, 2, 3].map(() => openSocket(capped.port)));
    await waitFor(async () => ((await connectionsOf(capped)) >= 3 ? true : undefined), "three open connections");
    const refused = await rawExchange(capped.port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(statusOf(refused)).toBe(503);
    expect(bodyOf(refused)).toMatchObject({ ok: false, error: { type: "too_many_connections" } });
    for (const socket of idle) socket.destroy();
    await waitFor(async () => ((await connectionsOf(capped)) === 0 ? true : undefined), "idle sockets closed");
    expect((await send("GET", "/health")).status).toBe(200);
  });

  it("starts services before listening and stops them on stop", async () => {
    await startHost();
    expect(events).toEqual(["start:true"]);
    await host?.stop();
    expect(events).toEqual(["start:true", "stop"]);
  });

  it("runs agent turns through hooks and the pluggable agent", async () => {
    const agent = vi.fn(({ context }: { context: string[] }) => ({ text: `ctx=${context.join("|")}` }));
    await startHost({ agent });
    const result = await host?.runAgentTurn({ message: "hello there", sessionKey: "agent:ops:chat", extraSystemPrompt: "be brief" });
    expect(result?.payloads[0]?.text).toBe("ctx=demo context|be brief");
    expect(agent).toHaveBeenCalledWith(expect.objectContaining({ agentId: "ops", sessionKey: "agent:ops:chat" }));
    expect(events).toContain("agent_end:true");
  });

  it("reports agent failures to agent_end and to the caller", async () => {
    await startHost({
      agent: () => {
        throw new Error("model down");
      },
    });
    await expect(host?.runAgentTurn({ message: "hi" })).rejects.toThrow("model down");
    expect(events).toContain("agent_end:false");
  });

  it("enforces gateway method scopes and reports unknown methods", async () => {
    await startHost();
    expect(await host?.callGatewayMethod("demo.ping", { a: 1 }, ["operator.read"])).toEqual({
      ok: true,
      payload: { pong: true, params: { a: 1 } },
    });
    expect(await host?.callGatewayMethod("demo.admin", {}, ["operator.read", "operator.write"])).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", details: { missingScope: "operator.admin" } },
    });
    expect(await host?.callGatewayMethod("demo.nope")).toEqual({
      ok: false,
      error: { code: "INVALID_REQUEST", message: "unknown method: demo.nope" },
    });
  });

  it("registers a plugin as the gateway does: discovery first (never activated), then full", async () => {
    const calls: string[] = [];
    const counted = definePlugin({
      id: "counted",
      name: "Counted",
      description: "records its registrations",
      config: z.strictObject({}),
      register(api) {
        calls.push(`register:${api.registrationMode}`);
        api.registerService({ id: `service-${api.registrationMode}`, start: () => void calls.push(`start:${api.registrationMode}`) });
        api.on("before_prompt_build", () => {
          calls.push(`hook:${api.registrationMode}`);
          return {};
        });
      },
    });
    const other = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "local-host-")), logger: quiet });
    await other.load(counted);
    await other.start();
    try {
      await other.runAgentTurn({ message: "hi" });
      expect(calls).toEqual(["register:discovery", "register:full", "start:full", "hook:full"]);
    } finally {
      await other.stop();
    }
  });

  it("validates plugin config against the plugin's schema before register", async () => {
    const other = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "local-host-")), logger: quiet });
    await expect(other.load(demo, { config: { prefix: 3 } })).rejects.toThrow(/config is invalid: prefix/);
    await expect(other.load(demo, { config: { unknown: true } })).rejects.toThrow(/config is invalid/);
  });

  it("loads a plugin package folder and refuses entries outside it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "plugin-folder-"));
    await mkdir(join(dir, "dist"));
    await writeFile(
      join(dir, "dist", "index.js"),
      `export default { id: "folder-demo", name: "Folder", description: "d", register(api) {
         api.registerTool({ name: "folder_ping", label: "Ping", description: "p", parameters: {}, async execute() {
           return { content: [{ type: "text", text: "pong" }], details: { success: true } }; } }); } };`,
    );
    await writeFile(join(dir, "openclaw.plugin.json"), JSON.stringify({ id: "folder-demo", configSchema: { type: "object" } }));
    await writeFile(
      join(dir, "package.json"),
      JSON.stringify({ name: "folder-demo", type: "module", openclaw: { extensions: ["./dist/index.js"] } }),
    );
    const folderHost = new LocalHost({ stateDir: dir, logger: quiet });
    await folderHost.load(dir);
    expect(await folderHost.invokeTool("folder_ping")).toMatchObject({
      status: 200,
      body: { ok: true, result: { details: { success: true } } },
    });

    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "x", openclaw: { extensions: ["../../etc/passwd"] } }));
    await expect(new LocalHost({ stateDir: dir, logger: quiet }).load(dir)).rejects.toThrow(/outside the plugin folder/);
    await writeFile(join(dir, "openclaw.plugin.json"), "{ nope");
    await expect(new LocalHost({ stateDir: dir, logger: quiet }).load(dir)).rejects.toThrow(/not valid JSON/);
  });
});
