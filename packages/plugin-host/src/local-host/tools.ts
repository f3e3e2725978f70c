import type { IncomingMessage, ServerResponse } from "node:http";
import { TOOLS_INVOKE_BODY_LIMIT_BYTES, ToolsInvokeRequestSchema, type ToolsInvokeResponse } from "@clawbridge/contracts";
import type { AnyAgentTool, PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { type PluginRegistrations, toolsOf } from "../plugin-types.js";
import { errorMessage } from "../tool-result.js";
import type { ToolDescription } from "./gateway-ws/index.js";
import { BodyTooLargeError, hasBearer, readBody, sendError, sendJson } from "./http-io.js";
import { resolveInvocationTarget } from "./session.js";

export interface InvokeOptions {
  agentId?: string;
  sessionKey?: string;
}

/** The outcome of a tool invocation: the HTTP status and the exact body `/tools/invoke` answers. */
export interface InvokeOutcome {
  status: number;
  body: ToolsInvokeResponse;
}

/** The tool context the local host hands to tool factories. */
export interface ToolInvocationContext {
  agentId: string;
  sessionKey: string;
  workspaceDir: string;
}

/** A plugin as the tool table reads it: who registered what. */
interface ToolSource {
  id: string;
  registrations: Pick<PluginRegistrations, "tools">;
}

export interface HostToolsOptions {
  /** The loaded plugins, in load order (the first to register a name wins). */
  plugins: () => readonly ToolSource[];
  /** The agent ids the host knows; the first is the default. */
  agents: readonly string[];
  /** The `workspaceDir` tool factories see. */
  workspaceDir: string;
  logger: PluginLogger;
}

/** A tool (or its factory) that threw: the caller learns only that, the log says what. A fresh object per answer. */
const toolFailed = (): InvokeOutcome => ({
  status: 500,
  body: { ok: false, error: { type: "tool_error", message: "tool execution failed" } },
});

/**
 * The tools of the loaded plugins, as the gateway resolves them: a factory is asked per agent and
 * session, and a call is answered with `/tools/invoke`'s status and envelope, whatever the tool does.
 */
export class HostTools {
  readonly #options: HostToolsOptions;
  #calls = 0;

  constructor(options: HostToolsOptions) {
    this.#options = options;
  }

  /** Every tool available to the given agent/session, with the plugin that registered it. */
  describe(options: InvokeOptions = {}): ToolDescription[] {
    const ctx = this.#context(options.agentId ?? this.#options.agents[0] ?? "main", options.sessionKey);
    return this.#options.plugins().flatMap((p) =>
      p.registrations.tools.flatMap((t) =>
        (t.tool ? [t.tool] : toolsOf(t.factory?.(ctx))).map((tool) => ({
          pluginId: p.id,
          name: tool.name,
          ...(tool.label ? { label: tool.label } : {}),
          ...(tool.description ? { description: tool.description } : {}),
        })),
      ),
    );
  }

  /** Invokes a tool exactly as `POST /tools/invoke` would, returning status and body. */
  async invoke(name: string, args: unknown = {}, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const { agents, logger } = this.#options;
    const target = resolveInvocationTarget(options, agents, agents[0]);
    if (!target.ok) return { status: 400, body: { ok: false, error: { type: "invalid_request", message: target.message } } };
    const ctx = this.#context(target.agentId, target.sessionKey);
    let tool: AnyAgentTool | undefined;
    try {
      tool = this.#find(name, ctx);
    } catch (error) {
      logger.error(`tool factory for ${name} failed: ${errorMessage(error)}`);
      return toolFailed();
    }
    if (!tool) return { status: 404, body: { ok: false, error: { type: "not_found", message: `Tool not available: ${name}` } } };
    const params = args && typeof args === "object" && !Array.isArray(args) ? args : {};
    this.#calls += 1;
    try {
      const result = await tool.execute(`http-local-${this.#calls}`, params);
      return { status: 200, body: { ok: true, result: result as never } };
    } catch (error) {
      logger.error(`tool ${name} threw: ${errorMessage(error)}`);
      return toolFailed();
    }
  }

  #context(agentId: string, sessionKey?: string): ToolInvocationContext {
    return { agentId, sessionKey: sessionKey ?? `agent:${agentId}:main`, workspaceDir: this.#options.workspaceDir };
  }

  #find(name: string, ctx: ToolInvocationContext): AnyAgentTool | undefined {
    for (const plugin of this.#options.plugins()) {
      for (const registered of plugin.registrations.tools) {
        if (registered.names.length > 0 && !registered.names.includes(name)) continue;
        if (registered.tool) return registered.tool;
        const found = toolsOf(registered.factory?.(ctx)).find((t) => t.name === name);
        if (found) return found;
      }
    }
    return undefined;
  }
}

export interface ToolsInvokeRouteOptions {
  /** The host's bearer token. */
  token: string;
  bodyLimitBytes?: number;
  invoke: (name: string, args: unknown, options: InvokeOptions) => Promise<InvokeOutcome>;
}

/**
 * `POST /tools/invoke` as the gateway serves it: the bearer token, a bounded JSON body naming the tool
 * (`name`, or the older `tool`), and the invocation's own status and envelope.
 */
export async function serveToolsInvoke(req: IncomingMessage, res: ServerResponse, options: ToolsInvokeRouteOptions): Promise<void> {
  if (req.method !== "POST") {
    sendError(res, 405, "method_not_allowed", "Method Not Allowed", { allow: "POST" });
    return;
  }
  if (!hasBearer(req, options.token)) {
    sendError(res, 401, "unauthorized", "Unauthorized");
    return;
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, options.bodyLimitBytes ?? TOOLS_INVOKE_BODY_LIMIT_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendError(res, 413, "invalid_request_error", "Payload too large", { connection: "close" });
      return;
    }
    throw error;
  }
  let body: unknown = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch (error) {
      sendError(res, 400, "invalid_request_error", (error as Error).message);
      return;
    }
  }
  const record = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const name = [record.name, record.tool].find((v): v is string => typeof v === "string" && v.trim() !== "");
  if (!name) {
    sendError(res, 400, "invalid_request", "tools.invoke requires name");
    return;
  }
  const parsed = ToolsInvokeRequestSchema.safeParse({ ...record, name, tool: undefined });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    sendError(res, 400, "invalid_request", `tools.invoke: ${detail}`);
    return;
  }
  const { args, agentId, sessionKey } = parsed.data;
  const outcome = await options.invoke(name, args, { ...(agentId ? { agentId } : {}), ...(sessionKey ? { sessionKey } : {}) });
  sendJson(res, outcome.status, outcome.body);
}
