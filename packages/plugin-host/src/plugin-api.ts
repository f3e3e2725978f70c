import type { OpenClawConfig } from "openclaw/plugin-sdk/channel-core";
import type { OpenClawPluginApi, PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { type ChannelRegistration, channelTakenMessage, checkChannelRegistration } from "./channel-registration.js";
import type { PluginRegistrations, ToolFactory } from "./plugin-types.js";
import { toolsOf } from "./plugin-types.js";

export interface PluginApiOptions {
  id: string;
  name: string;
  description?: string;
  version?: string;
  source: string;
  rootDir?: string;
  registrationMode?: "full" | "discovery";
  pluginConfig?: Record<string, unknown>;
  /** `api.config`: the gateway config the plugin was loaded with. */
  config?: OpenClawConfig;
  logger: PluginLogger;
  /** The parts of `api.runtime` this host provides; anything else throws a clear error when used. */
  runtime: Record<string, unknown>;
  registrations: PluginRegistrations;
  /** Which loaded plugin owns a channel id already (a host with several plugins); none by default. */
  channelOwner?: (channelId: string) => string | undefined;
}

/**
 * Wraps a partial object so that touching a member it lacks fails loudly with `what` and the member
 * name, instead of an `undefined is not a function` deep inside a plugin.
 */
function strictFacade<T extends object>(target: T, what: string): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property === "symbol" || property === "then" || property in object) {
        return Reflect.get(object, property, receiver);
      }
      throw new Error(`${what}.${property} is not provided by the clawbridge local host; run this plugin in an OpenClaw gateway`);
    },
  });
}

/**
 * The part of `OpenClawPluginApi` clawbridge plugins use, recording every registration.
 * Shared by the local host and by manifest generation so both see the same surface.
 */
export function createPluginApi(options: PluginApiOptions): OpenClawPluginApi {
  const { registrations } = options;
  // A factory that needs a real invocation context may fail here; its names are then found per call.
  const namesFrom = (factory: ToolFactory): string[] => {
    try {
      return toolsOf(factory({})).map((t) => t.name);
    } catch {
      return [];
    }
  };
  const api = {
    id: options.id,
    name: options.name,
    description: options.description,
    version: options.version,
    source: options.source,
    rootDir: options.rootDir,
    registrationMode: options.registrationMode ?? "full",
    config: options.config ?? {},
    pluginConfig: options.pluginConfig,
    logger: options.logger,
    runtime: strictFacade(options.runtime, "api.runtime"),
    resolvePath: (input: string) => input,
    registerTool(tool: unknown, opts?: { name?: string; names?: string[]; optional?: boolean }) {
      const optional = opts?.optional ?? false;
      const declared = opts?.names ?? (opts?.name ? [opts.name] : undefined);
      if (typeof tool === "function") {
        const factory = tool as ToolFactory;
        const names = declared ?? namesFrom(factory);
        registrations.tools.push({ factory, names, optional });
      } else if (tool && typeof tool === "object" && "create" in tool) {
        const versioned = tool as { create: ToolFactory };
        const factory: ToolFactory = (ctx) => versioned.create({ ...ctx, assertInvocationCurrent: () => {} } as never);
        const names = declared ?? namesFrom(factory);
        registrations.tools.push({ factory, names, optional });
      } else {
        const object = tool as { name: string };
        registrations.tools.push({ tool: object as never, names: [object.name], optional });
      }
    },
    registerService(service: PluginRegistrations["services"][number]) {
      registrations.services.push(service);
    },
    on(hookName: string, handler: (event: unknown, ctx: unknown) => unknown, opts?: { priority?: number }) {
      registrations.hooks.push({ name: hookName, handler, priority: opts?.priority ?? 0 });
    },
    registerHttpRoute(route: PluginRegistrations["httpRoutes"][number]) {
      registrations.httpRoutes.push(route);
    },
    registerGatewayMethod(method: string, handler: never, opts?: { scope?: string }) {
      registrations.gatewayMethods.set(method, { handler, scope: opts?.scope ?? "operator.admin" });
    },
    // As in the gateway, a refused channel is reported and left out; the plugin itself still loads.
    registerChannel(registration: ChannelRegistration) {
      const checked = checkChannelRegistration(registration);
      if (!checked.ok) {
        options.logger.error(checked.message);
        return;
      }
      const owner = options.channelOwner?.(checked.plugin.id);
      if (owner !== undefined && owner !== options.id) {
        options.logger.error(channelTakenMessage(checked.plugin.id, owner));
        return;
      }
      const index = registrations.channels.findIndex((channel) => channel.id === checked.plugin.id);
      if (index === -1) registrations.channels.push(checked.plugin);
      else registrations.channels[index] = checked.plugin;
    },
  };
  return strictFacade(api, "api") as unknown as OpenClawPluginApi;
}
