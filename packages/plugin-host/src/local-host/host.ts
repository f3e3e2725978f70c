import { randomBytes, randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isPrototypeKey, TOOLS_INVOKE_BODY_LIMIT_BYTES, ToolsInvokeRequestSchema, type ToolsInvokeResponse } from "@clawbridge/contracts";
import type { OpenClawConfig } from "openclaw/plugin-sdk/channel-core";
import type { AnyAgentTool, OpenClawPluginServiceContext, PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { type IngressAuthority, ingressRefusal } from "../channel-registration.js";
import type { PluginEntryLike } from "../manifest.js";
import { createPluginApi } from "../plugin-api.js";
import { emptyRegistrations, type HookName, type HttpRouteParams, type PluginRegistrations, toolsOf } from "../plugin-types.js";
import { createGuardedServer, requestTarget, type ServerGuardOptions } from "../server-guard.js";
import { errorMessage } from "../tool-result.js";
import { type AgentRunner, scriptedAgent } from "./agent.js";
import { type ChannelAccountStatus, ChannelAccounts } from "./channel-accounts.js";
import { type GatewayProtocolOptions, GatewayProtocolServer, type ToolDescription } from "./gateway-ws/index.js";
import { BodyTooLargeError, hasBearer, readBody, sendError, sendJson } from "./http-io.js";
import { loadPluginFolder } from "./load-plugin.js";
import { resolveInvocationTarget } from "./session.js";

export interface LocalHostOptions {
  /** Where plugins keep state (`ctx.stateDir` of services). */
  stateDir: string;
  bind?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Bearer token for `/tools/invoke` and gateway-auth routes; generated when omitted. */
  token?: string;
  /** Agent ids the host knows; the first is the default. */
  agents?: readonly string[];
  agent?: AgentRunner;
  logger?: PluginLogger;
  bodyLimitBytes?: number;
  /** Stop services and exit on SIGINT/SIGTERM (for the runnable host, not for tests). */
  handleSignals?: boolean;
  version?: string;
  /** The Gateway WebSocket protocol served on the same port (scripted runs, pacing, handshake limits). */
  gatewayProtocol?: GatewayProtocolOptions;
  /**
   * Paths of `auth: "plugin"` routes served without the host token, exactly as the plugin registers
   * them (e.g. `/clawhip/event`): the plugin authenticates those itself. Every other plugin route
   * needs the host token, so a plugin that forgot its own check is not open by default.
   */
  publicRoutes?: readonly string[];
  /**
   * The gateway config the host stands in for (`openclaw.json`: `channels.<id>` sections, …): what
   * plugins see as `api.config` and what their channels resolve accounts from. Empty by default.
   */
  gatewayConfig?: OpenClawConfig;
  /** Limits of the HTTP server (shared with the Gateway WebSocket): connection cap and timeouts. */
  http?: Pick<ServerGuardOptions, "maxConnections" | "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs">;
}

export interface LoadedPlugin {
  id: string;
  name: string;
  rootDir?: string;
  pluginConfig: Record<string, unknown>;
  registrations: PluginRegistrations;
  logger: PluginLogger;
}

export interface InvokeOptions {
  agentId?: string;
  sessionKey?: string;
}

/** The outcome of a tool invocation: the HTTP status and the exact body `/tools/invoke` answers. */
export interface InvokeOutcome {
  status: number;
  body: ToolsInvokeResponse;
}

export interface GatewayCallResult {
  ok: boolean;
  payload?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

export interface AgentCommandRequest extends IngressAuthority {
  message: string;
  agentId?: string;
  sessionKey?: string;
  extraSystemPrompt?: string;
}

/** The tool context the local host hands to tool factories. */
export interface ToolInvocationContext {
  agentId: string;
  sessionKey: string;
  workspaceDir: string;
}

export function stderrLogger(prefix = "host"): PluginLogger {
  const write = (level: string) => (message: string) => {
    process.stderr.write(`${new Date().toISOString()} [${prefix}] ${level} ${message}\n`);
  };
  return { debug: () => {}, info: write("info"), warn: write("warn"), error: write("error") };
}

/** The host's error types for the shared guard's codes, so every refusal has the `/tools/invoke` envelope. */
const GUARD_ERROR_TYPES = new Map([
  ["bad_request", "invalid_request"],
  ["internal", "internal_error"],
]);

function childLogger(parent: PluginLogger, prefix: string): PluginLogger {
  return {
    debug: (m) => parent.debug?.(`[${prefix}] ${m}`),
    info: (m) => parent.info(`[${prefix}] ${m}`),
    warn: (m) => parent.warn(`[${prefix}] ${m}`),
    error: (m) => parent.error(`[${prefix}] ${m}`),
  };
}

/**
 * A small host for OpenClaw plugins: it loads plugin entries or plugin folders, implements the part
 * of the plugin API clawbridge plugins use, and serves `/tools/invoke` and plugin HTTP routes on
 * loopback with the gateway's request body, auth and envelopes.
 */
export class LocalHost {
  readonly token: string;
  readonly plugins: LoadedPlugin[] = [];
  readonly server: Server;
  readonly logger: PluginLogger;
  readonly gateway: GatewayProtocolServer;
  readonly #options: LocalHostOptions;
  readonly #agents: string[];
  readonly #agent: AgentRunner;
  readonly #publicRoutes: ReadonlySet<string>;
  readonly #channelAccounts = new ChannelAccounts();
  #started = false;
  #toolCalls = 0;
  #signalHandler?: () => void;

  constructor(options: LocalHostOptions) {
    this.#options = options;
    this.token = options.token ?? randomBytes(24).toString("base64url");
    this.#agents = [...(options.agents ?? ["main"])];
    const reserved = this.#agents.find((id) => isPrototypeKey(id) || isPrototypeKey(id.toLowerCase()));
    if (reserved !== undefined) throw new Error(`agent id "${reserved}" is a reserved name (an Object.prototype key)`);
    this.#agent = options.agent ?? scriptedAgent();
    this.#publicRoutes = new Set(options.publicRoutes ?? []);
    this.logger = options.logger ?? stderrLogger();
    this.server = createGuardedServer((req, res) => this.#handle(req, res), {
      ...options.http,
      errorBody: (_status, code, message) => ({ ok: false, error: { type: GUARD_ERROR_TYPES.get(code) ?? code, message } }),
      log: (line) => this.logger.error(line),
    });
    this.gateway = new GatewayProtocolServer(this, { version: options.version, ...options.gatewayProtocol });
    this.gateway.attach(this.server);
  }

  get agents(): readonly string[] {
    return this.#agents;
  }

  get port(): number {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new Error("LocalHost is not listening; call start() first");
    return address.port;
  }

  get url(): string {
    return `http://${this.#options.bind ?? "127.0.0.1"}:${this.port}`;
  }

  /** Loads a plugin from an entry object or a plugin package folder, validating its config. */
  async load(plugin: PluginEntryLike | string, options: { config?: Record<string, unknown> } = {}): Promise<LoadedPlugin> {
    const folder = typeof plugin === "string" ? await loadPluginFolder(plugin) : undefined;
    const entry = folder?.entry ?? (plugin as PluginEntryLike);
    if (this.plugins.some((p) => p.id === entry.id)) throw new Error(`plugin "${entry.id}" is already loaded`);
    const pluginConfig = this.#validateConfig(entry, options.config ?? {});
    const registrations = emptyRegistrations();
    const logger = childLogger(this.logger, entry.id);
    const channelOwner = (channelId: string) => this.plugins.find((p) => p.registrations.channels.some((c) => c.id === channelId))?.id;
    const apiFor = (registrationMode: "discovery" | "full", into: PluginRegistrations) =>
      createPluginApi({
        id: entry.id,
        name: entry.name,
        description: entry.description,
        ...(folder?.version ? { version: folder.version } : {}),
        source: folder?.entryPath ?? "inline",
        ...(folder ? { rootDir: folder.rootDir } : {}),
        registrationMode,
        pluginConfig,
        config: this.#options.gatewayConfig ?? {},
        logger,
        runtime: this.#runtime(entry.id, into),
        registrations: into,
        channelOwner,
      });
    // As the gateway does: a discovery registration first, whose snapshot is never activated, then the
    // full one, whose tools, hooks, routes and services are the ones that run. A plugin that starts
    // something in register() regardless of the mode does it twice here, as it would in the gateway.
    entry.register(apiFor("discovery", emptyRegistrations()) as never);
    entry.register(apiFor("full", registrations) as never);
    const loaded: LoadedPlugin = { id: entry.id, name: entry.name, pluginConfig, registrations, logger };
    if (folder) loaded.rootDir = folder.rootDir;
    this.plugins.push(loaded);
    this.logger.info(`loaded plugin ${entry.id} (${registrations.tools.flatMap((t) => t.names).join(", ") || "no tools"})`);
    return loaded;
  }

  #validateConfig(entry: PluginEntryLike, config: Record<string, unknown>): Record<string, unknown> {
    const schema = entry.configSchema as
      | {
          safeParse?: (v: unknown) => {
            success: boolean;
            data?: unknown;
            error?: { issues?: Array<{ path: Array<string | number>; message: string }> };
          };
        }
      | undefined;
    if (!schema?.safeParse) return config;
    const result = schema.safeParse(config);
    if (result.success) return (result.data as Record<string, unknown> | undefined) ?? config;
    const issues = (result.error?.issues ?? []).map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ");
    throw new Error(`plugin "${entry.id}" config is invalid: ${issues || "rejected by its config schema"}`);
  }

  /** One plugin's `api.runtime`: its agent turns are admitted by the channels that plugin registered. */
  #runtime(pluginId: string, registrations: PluginRegistrations): Record<string, unknown> {
    return {
      version: this.#options.version ?? "clawbridge-local",
      agent: {
        runCommandFromIngress: async (opts: AgentCommandRequest) => {
          const channelIds = registrations.channels.map((channel) => channel.id);
          const refusal = ingressRefusal(pluginId, channelIds, opts);
          if (refusal) throw new Error(refusal);
          return this.runAgentTurn(opts);
        },
      },
      state: { resolveStateDir: () => this.#options.stateDir },
    };
  }

  /** Starts every plugin service, then listens. Resolves once the port is bound. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await mkdir(this.#options.stateDir, { recursive: true });
    for (const plugin of this.plugins) {
      for (const service of plugin.registrations.services) {
        await service.start(this.#serviceContext(plugin));
        plugin.logger.info(`service ${service.id} started`);
      }
    }
    for (const plugin of this.plugins) {
      for (const channel of plugin.registrations.channels) {
        await this.#channelAccounts.start(channel, this.#options.gatewayConfig ?? {}, plugin.logger);
      }
    }
    const selfAuthenticated = new Set(
      this.plugins.flatMap((p) => p.registrations.httpRoutes.filter((r) => r.auth === "plugin").map((r) => r.path)),
    );
    for (const path of this.#publicRoutes) {
      if (!selfAuthenticated.has(path))
        this.logger.warn(`public route ${path} is no auth:"plugin" route of a loaded plugin; it is not public`);
    }
    await new Promise<void>((resolvePromise, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.#options.port ?? 0, this.#options.bind ?? "127.0.0.1", () => {
        this.server.off("error", reject);
        resolvePromise();
      });
    });
    if (this.#options.handleSignals) {
      this.#signalHandler = () => {
        this.stop().finally(() => process.exit(0));
      };
      process.once("SIGINT", this.#signalHandler);
      process.once("SIGTERM", this.#signalHandler);
    }
  }

  #serviceContext(plugin: LoadedPlugin): OpenClawPluginServiceContext {
    return { config: {}, stateDir: this.#options.stateDir, logger: plugin.logger } as OpenClawPluginServiceContext;
  }

  /** Stops services (in reverse order, each failure logged) and closes the server. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    if (this.#signalHandler) {
      process.off("SIGINT", this.#signalHandler);
      process.off("SIGTERM", this.#signalHandler);
    }
    await this.#channelAccounts.stopAll();
    for (const plugin of [...this.plugins].reverse()) {
      for (const service of [...plugin.registrations.services].reverse()) {
        try {
          await service.stop?.(this.#serviceContext(plugin));
        } catch (error) {
          plugin.logger.error(`service ${service.id} failed to stop: ${errorMessage(error)}`);
        }
      }
    }
    this.gateway.close();
    if (this.server.listening) {
      this.server.closeAllConnections();
      await new Promise<void>((resolvePromise) => this.server.close(() => resolvePromise()));
    }
  }

  /** The channel accounts the host started (`gateway.startAccount`) and what their monitors report. */
  channelStatuses(): ChannelAccountStatus[] {
    return this.#channelAccounts.statuses();
  }

  /** The names of every tool available to the given agent/session. */
  listTools(options: InvokeOptions = {}): string[] {
    return this.describeTools(options).map((tool) => tool.name);
  }

  /** Every tool available to the given agent/session, with the plugin that registered it. */
  describeTools(options: InvokeOptions = {}): ToolDescription[] {
    const ctx = this.#toolContext(options.agentId ?? this.#agents[0] ?? "main", options.sessionKey);
    return this.plugins.flatMap((p) =>
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

  #toolContext(agentId: string, sessionKey?: string): ToolInvocationContext {
    return { agentId, sessionKey: sessionKey ?? `agent:${agentId}:main`, workspaceDir: this.#options.stateDir };
  }

  #findTool(name: string, ctx: ToolInvocationContext): AnyAgentTool | undefined {
    for (const plugin of this.plugins) {
      for (const registered of plugin.registrations.tools) {
        if (registered.names.length > 0 && !registered.names.includes(name)) continue;
        if (registered.tool) return registered.tool;
        const found = toolsOf(registered.factory?.(ctx)).find((t) => t.name === name);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Invokes a tool exactly as `POST /tools/invoke` would, returning status and body. */
  async invokeTool(name: string, args: unknown = {}, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const target = resolveInvocationTarget(options, this.#agents, this.#agents[0]);
    if (!target.ok) return { status: 400, body: { ok: false, error: { type: "invalid_request", message: target.message } } };
    const ctx = this.#toolContext(target.agentId, target.sessionKey);
    let tool: AnyAgentTool | undefined;
    try {
      tool = this.#findTool(name, ctx);
    } catch (error) {
      this.logger.error(`tool factory for ${name} failed: ${errorMessage(error)}`);
      return { status: 500, body: { ok: false, error: { type: "tool_error", message: "tool execution failed" } } };
    }
    if (!tool) return { status: 404, body: { ok: false, error: { type: "not_found", message: `Tool not available: ${name}` } } };
    const params = args && typeof args === "object" && !Array.isArray(args) ? args : {};
    this.#toolCalls += 1;
    try {
      const result = await tool.execute(`http-local-${this.#toolCalls}`, params);
      return { status: 200, body: { ok: true, result: result as never } };
    } catch (error) {
      this.logger.error(`tool ${name} threw: ${errorMessage(error)}`);
      return { status: 500, body: { ok: false, error: { type: "tool_error", message: "tool execution failed" } } };
    }
  }

  /** Runs every handler of a typed hook in priority order; a failing handler is logged, not fatal. */
  async runHook(name: HookName, event: unknown, ctx: unknown = {}): Promise<unknown[]> {
    const handlers = this.plugins
      .flatMap((p) => p.registrations.hooks.filter((h) => h.name === name).map((h) => ({ ...h, logger: p.logger })))
      .sort((a, b) => b.priority - a.priority);
    const results: unknown[] = [];
    for (const hook of handlers) {
      try {
        const result = await hook.handler(event, ctx);
        if (result !== undefined) results.push(result);
      } catch (error) {
        hook.logger.error(`hook ${name} failed: ${errorMessage(error)}`);
      }
    }
    return results;
  }

  /**
   * One agent turn, as `runtime.agent.runCommandFromIngress` runs it: `before_prompt_build` hooks
   * contribute context, `model_call_started` hooks see the (one) model call begin, the agent answers,
   * `agent_end` hooks see the outcome. Like OpenClaw's, the hooks' context and events carry the run id.
   */
  async runAgentTurn(request: AgentCommandRequest) {
    const target = resolveInvocationTarget(request, this.#agents, this.#agents[0]);
    if (!target.ok) throw new Error(target.message);
    const runId = randomUUID();
    const ctx = { runId, agentId: target.agentId, sessionKey: target.sessionKey, trigger: "user" };
    const started = Date.now();
    const contributions = (await this.runHook(
      "before_prompt_build",
      { prompt: request.message, currentUserMessage: request.message, messages: [] },
      ctx,
    )) as Array<{ prependContext?: string; appendContext?: string }>;
    const context = [
      ...contributions.flatMap((c) => [c.prependContext, c.appendContext].filter((x): x is string => !!x)),
      ...(request.extraSystemPrompt ? [request.extraSystemPrompt] : []),
    ];
    try {
      await this.runHook(
        "model_call_started",
        { runId, callId: `${runId}:0`, sessionKey: target.sessionKey, provider: "localhost", model: "local-agent" },
        ctx,
      );
      const reply = await this.#agent({ message: request.message, agentId: target.agentId, sessionKey: target.sessionKey, context });
      const durationMs = Date.now() - started;
      const messages = [
        { role: "user", content: request.message },
        { role: "assistant", content: reply.text },
      ];
      await this.runHook("agent_end", { runId, messages, success: true, durationMs }, ctx);
      return {
        payloads: [{ text: reply.text, mediaUrl: null }],
        meta: { durationMs, finalAssistantVisibleText: reply.text },
      };
    } catch (error) {
      await this.runHook(
        "agent_end",
        { runId, messages: [], success: false, error: errorMessage(error), durationMs: Date.now() - started },
        ctx,
      );
      throw error;
    }
  }

  /** Calls a plugin gateway method with the given operator scopes, as a WebSocket client would. */
  async callGatewayMethod(
    method: string,
    params: Record<string, unknown> = {},
    scopes: readonly string[] = ["operator.admin"],
  ): Promise<GatewayCallResult> {
    const registered = this.plugins.map((p) => p.registrations.gatewayMethods.get(method)).find(Boolean);
    if (!registered) return { ok: false, error: { code: "INVALID_REQUEST", message: `unknown method: ${method}` } };
    const granted =
      scopes.includes("operator.admin") ||
      scopes.includes(registered.scope) ||
      (registered.scope === "operator.read" && scopes.includes("operator.write"));
    if (!granted) {
      return {
        ok: false,
        error: {
          code: "FORBIDDEN",
          message: `missing scope: ${registered.scope}`,
          details: { code: "MISSING_SCOPE", missingScope: registered.scope, requiredScopes: [registered.scope] },
        },
      };
    }
    return new Promise<GatewayCallResult>((resolvePromise) => {
      const respond = (ok: boolean, payload?: unknown, error?: { code: string; message: string }) =>
        resolvePromise(ok ? { ok, payload } : { ok, error: error ?? { code: "UNAVAILABLE", message: "request failed" } });
      Promise.resolve(
        registered.handler({ req: { type: "req", id: "local", method, params }, params, client: null, respond } as never),
      ).catch((error) => resolvePromise({ ok: false, error: { code: "UNAVAILABLE", message: errorMessage(error) } }));
    });
  }

  /** A plugin route needs the host token unless it authenticates itself and is listed as public. */
  #mayServe(route: HttpRouteParams, req: IncomingMessage): boolean {
    return (route.auth === "plugin" && this.#publicRoutes.has(route.path)) || hasBearer(req, this.token);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestTarget(req).pathname;
    if (path === "/tools/invoke") return this.#handleToolsInvoke(req, res);
    if (path === "/health" || path === "/healthz") {
      sendJson(res, 200, { ok: true, status: "live" });
      return;
    }
    for (const plugin of this.plugins) {
      for (const route of plugin.registrations.httpRoutes) {
        const matches =
          route.match === "prefix"
            ? path === route.path || path.startsWith(route.path.endsWith("/") ? route.path : `${route.path}/`)
            : path === route.path;
        if (!matches) continue;
        if (!this.#mayServe(route, req)) {
          sendError(res, 401, "unauthorized", "Unauthorized");
          return;
        }
        try {
          const handled = await route.handler(req, res);
          if (handled !== false) return;
        } catch (error) {
          plugin.logger.error(`route ${route.path} failed: ${errorMessage(error)}`);
          sendError(res, 500, "internal_error", "plugin route failed");
          return;
        }
      }
    }
    sendError(res, 404, "not_found", `Not Found: ${path}`);
  }

  async #handleToolsInvoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") {
      sendError(res, 405, "method_not_allowed", "Method Not Allowed", { allow: "POST" });
      return;
    }
    if (!hasBearer(req, this.token)) {
      sendError(res, 401, "unauthorized", "Unauthorized");
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, this.#options.bodyLimitBytes ?? TOOLS_INVOKE_BODY_LIMIT_BYTES);
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
    const outcome = await this.invokeTool(name, args, { ...(agentId ? { agentId } : {}), ...(sessionKey ? { sessionKey } : {}) });
    sendJson(res, outcome.status, outcome.body);
  }
}
