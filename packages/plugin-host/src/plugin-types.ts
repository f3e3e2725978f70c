import type { ChannelPlugin } from "openclaw/plugin-sdk/channel-core";
import type { AnyAgentTool, OpenClawPluginApi, OpenClawPluginService, OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";

/** Types of the OpenClaw plugin API that the SDK does not export by name. */
export type HttpRouteParams = Parameters<OpenClawPluginApi["registerHttpRoute"]>[0];
export type GatewayMethodHandler = Parameters<OpenClawPluginApi["registerGatewayMethod"]>[1];
export type GatewayMethodOptions = NonNullable<Parameters<OpenClawPluginApi["registerGatewayMethod"]>[2]>;
export type HookName = Parameters<OpenClawPluginApi["on"]>[0];
export type ToolRegistration = Parameters<OpenClawPluginApi["registerTool"]>[0];
export type ToolRegistrationOptions = NonNullable<Parameters<OpenClawPluginApi["registerTool"]>[1]>;
export type ToolFactory = (ctx: OpenClawPluginToolContext) => AnyAgentTool | AnyAgentTool[] | null | undefined;

export interface RegisteredTool {
  /** A tool object, or a factory called per invocation with the tool context. */
  tool?: AnyAgentTool;
  factory?: ToolFactory;
  names: string[];
  optional: boolean;
}

export interface RegisteredHook {
  name: string;
  handler: (event: unknown, ctx: unknown) => unknown;
  priority: number;
}

export interface RegisteredGatewayMethod {
  handler: GatewayMethodHandler;
  scope: string;
}

/** Everything one plugin registered during `register(api)`. */
export interface PluginRegistrations {
  tools: RegisteredTool[];
  services: OpenClawPluginService[];
  hooks: RegisteredHook[];
  httpRoutes: HttpRouteParams[];
  gatewayMethods: Map<string, RegisteredGatewayMethod>;
  /** Channels that passed the gateway's registration checks (`api.registerChannel`). */
  channels: ChannelPlugin[];
}

export function emptyRegistrations(): PluginRegistrations {
  return { tools: [], services: [], hooks: [], httpRoutes: [], gatewayMethods: new Map(), channels: [] };
}

/** Tools a factory yields, as a list. */
export function toolsOf(result: AnyAgentTool | AnyAgentTool[] | null | undefined): AnyAgentTool[] {
  if (!result) return [];
  return Array.isArray(result) ? result : [result];
}
