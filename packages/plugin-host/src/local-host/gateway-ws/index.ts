export type { GatewayHostPort, ToolDescription } from "./host-port.js";
export { planScriptedRun, type RunScript, replyDeltas, type ScriptStep } from "./script.js";
export { type GatewayProtocolOptions, GatewayProtocolServer } from "./server.js";
