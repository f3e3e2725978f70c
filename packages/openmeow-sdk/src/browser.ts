export { createOpenMeowSDKClient } from "./adapter/create-client.js";
export { invokeToolOverHttp, toolsInvokeUrl } from "./adapter/http-tools-invoke.js";
export type {
  FetchLike,
  OpenClawLike,
  OpenMeowLaneTarget,
  OpenMeowSDKClient,
  OpenMeowSDKClientOptions,
  OpenMeowSendResult,
  OpenMeowToolInvokeParams,
  OpenMeowToolInvokeResult,
} from "./adapter/types.js";
export { normalizeGatewayEvent } from "./gateway/normalize.js";
export { OpenClawGatewayClient, type OpenClawGatewayClientOptions } from "./gateway/openclaw-gateway-client.js";
export {
  GatewayProtocolClient,
  type GatewayProtocolClientOptions,
  GatewayRequestError,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./gateway/protocol-client.js";
export { RUN_REPLAY_MAX_EVENTS, RUN_REPLAY_MAX_RUNS, RunReplay } from "./gateway/run-replay.js";
export type {
  GatewayEvent,
  OpenClawEvent,
  OpenClawEventType,
  RunResult,
  RunStatus,
  SDKError,
  ToolInvokeParams,
  ToolInvokeResult,
} from "./gateway/types.js";
export { runStatusFromWaitPayload } from "./gateway/wait-status.js";
export { reduceOpenMeowCancelResult } from "./reducers/cancel-result.js";
export { mapOpenClawEventToOpenMeowUIEvent } from "./reducers/map-event.js";
export {
  initialOpenMeowRunState,
  markOpenMeowRunCancelling,
  normalizeOpenMeowWaitResult,
  reduceOpenMeowRunState,
} from "./reducers/run-state.js";
export { openMeowRunStartedEvent } from "./reducers/seed.js";
export type * from "./reducers/types.js";
export { initialOpenMeowUIState, OPENMEOW_DEBUG_EVENT_LIMIT, reduceOpenMeowUIState } from "./reducers/ui-state.js";
