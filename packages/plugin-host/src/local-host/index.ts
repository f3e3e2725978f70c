export { type AgentRunner, type AgentTurnReply, type AgentTurnRequest, type ScriptRule, scriptedAgent } from "./agent.js";
export type { ChannelAccountStatus } from "./channel-accounts.js";
export {
  type AgentCommandRequest,
  type GatewayCallResult,
  type InvokeOptions,
  type InvokeOutcome,
  type LoadedPlugin,
  LocalHost,
  type LocalHostOptions,
  stderrLogger,
  type ToolInvocationContext,
} from "./host.js";
export { type LoadedPluginFolder, loadPluginFolder } from "./load-plugin.js";
export { type InvocationTarget, resolveInvocationTarget } from "./session.js";
