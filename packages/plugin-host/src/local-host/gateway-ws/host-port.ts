import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import type { InvokeOutcome } from "../tools.js";

export interface ToolDescription {
  pluginId: string;
  name: string;
  label?: string;
  description?: string;
}

/** What the Gateway protocol layer needs from `LocalHost` (kept narrow so the layer stays testable). */
export interface GatewayHostPort {
  readonly token: string;
  readonly agents: readonly string[];
  readonly logger: PluginLogger;
  describeTools(options: { agentId?: string; sessionKey?: string }): ToolDescription[];
  invokeTool(name: string, args: unknown, options: { agentId?: string; sessionKey?: string }): Promise<InvokeOutcome>;
  runAgentTurn(request: { message: string; agentId?: string; sessionKey?: string }): Promise<{ payloads: Array<{ text: string }> }>;
}
