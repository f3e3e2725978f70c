import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isPrototypeKey } from "@clawbridge/contracts";
import type { OpenClawConfig } from "openclaw/plugin-sdk/channel-core";
import type { OpenClawPluginServiceContext, PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { ingressRefusal } from "../channel-registration.js";
import type { PluginEntryLike } from "../manifest.js";
import { createPluginApi } from "../plugin-api.js";
import { emptyRegistrations, type HookName, type HttpRouteParams, type PluginRegistrations } from "../plugin-types.js";
import { createGuardedServer, requestTarget, type ServerGuardOptions } from "../server-guard.js";
import { errorMessage } from "../tool-result.js";
import { type AgentRunner, scriptedAgent } from "./agent.js";
import { type AgentCommandRequest, runAgentTurn, runHooks } from "./agent-turn.js";
import { type ChannelAccountStatus, ChannelAccounts } from "./channel-accounts.js";
import { callPluginGatewayMethod, type GatewayCallResult } from "./gateway-methods.js";
import { type GatewayProtocolOptions, GatewayProtocolServer, type ToolDescription } from "./gateway-ws/index.js";
import { hasBearer, sendError, sendJson } from "./http-io.js";
import { loadPluginFolder } from "./load-plugin.js";
import { HostTools, type InvokeOptions, type InvokeOutcome, serveToolsInvoke } from "./tools.js";

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
  readonly #tools: HostTools;
  #started = false;
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
    this.#tools = new HostTools({ plugins: () => this.plugins, agents: this.#agents, workspaceDir: options.stateDir, logger: this.logger });
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
    return this.#tools.describe(options);
  }

  /** Invokes a tool exactly as `POST /tools/invoke` would, returning status and body. */
  invokeTool(name: string, args: unknown = {}, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    return this.#tools.invoke(name, args, options);
  }

  /** Runs every handler of a typed hook in priority order; a failing handler is logged, not fatal. */
  runHook(name: HookName, event: unknown, ctx: unknown = {}): Promise<unknown[]> {
    return runHooks(this.plugins, name, event, ctx);
  }

  /** One agent turn, as `runtime.agent.runCommandFromIngress` runs it (see `runAgentTurn`). */
  runAgentTurn(request: AgentCommandRequest) {
    return runAgentTurn(request, {
      agents: this.#agents,
      agent: this.#agent,
      runHook: (name, event, ctx) => this.runHook(name, event, ctx),
    });
  }

  /** Calls a plugin gateway method with the given operator scopes, as a WebSocket client would. */
  callGatewayMethod(
    method: string,
    params: Record<string, unknown> = {},
    scopes: readonly string[] = ["operator.admin"],
  ): Promise<GatewayCallResult> {
    return callPluginGatewayMethod(this.plugins, method, params, scopes);
  }

  /** A plugin route needs the host token unless it authenticates itself and is listed as public. */
  #mayServe(route: HttpRouteParams, req: IncomingMessage): boolean {
    return (route.auth === "plugin" && this.#publicRoutes.has(route.path)) || hasBearer(req, this.token);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = requestTarget(req).pathname;
    if (path === "/tools/invoke") {
      return serveToolsInvoke(req, res, {
        token: this.token,
        ...(this.#options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: this.#options.bodyLimitBytes }),
        invoke: (name, args, options) => this.invokeTool(name, args, options),
      });
    }
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
}
