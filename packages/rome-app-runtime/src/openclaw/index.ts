export { type ActionToolOptions, actionToOpenClawTool } from "./action-tool.js";
export { actionResultToToolPayload } from "./result-payload.js";
