export { type AgentRunner, type AgentTurnReply, type AgentTurnRequest, type ScriptRule, scriptedAgent } from "./agent.js";
export type { AgentCommandRequest } from "./agent-turn.js";
export type { ChannelAccountStatus } from "./channel-accounts.js";
export type { GatewayCallResult } from "./gateway-methods.js";
export { type LoadedPlugin, LocalHost, type LocalHostOptions, stderrLogger } from "./host.js";
export { type LoadedPluginFolder, loadPluginFolder } from "./load-plugin.js";
export { type InvocationTarget, resolveInvocationTarget } from "./session.js";
export type { InvokeOptions, InvokeOutcome, ToolInvocationContext } from "./tools.js";
