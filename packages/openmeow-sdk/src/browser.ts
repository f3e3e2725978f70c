import { createOpenMeowSDKClient as createWithOptions } from "./adapter/create-client.js";
import type { OpenMeowSDKClient, OpenMeowSDKClientOptions } from "./adapter/types.js";
import {
  type DeviceIdentity,
  loadDeviceIdentity,
  localStorageDeviceKeyStore,
  memoryDeviceKeyStore,
  type StorageLike,
} from "./gateway/device-identity.js";

let browserDevice: Promise<DeviceIdentity> | undefined;

/** This browser's device identity: one key pair per browser profile, kept in `localStorage`. */
export function browserDeviceIdentity(): Promise<DeviceIdentity> {
  const storage = (globalThis as { localStorage?: StorageLike }).localStorage;
  browserDevice ??= loadDeviceIdentity(storage ? localStorageDeviceKeyStore(storage) : memoryDeviceKeyStore());
  browserDevice.catch(() => {
    browserDevice = undefined;
  });
  return browserDevice;
}

/**
 * The adapter for a web page: the page's socket signs `connect` with this browser's device identity
 * and declares itself a web chat client, which is what openclaw needs to pair it (silently, on
 * loopback) and grant its scopes; without that a page's socket gets `missing scope: operator.read`.
 */
export function createOpenMeowSDKClient(options: OpenMeowSDKClientOptions = {}): OpenMeowSDKClient {
  return createWithOptions({ device: browserDeviceIdentity, clientId: "webchat-ui", clientMode: "webchat", ...options });
}

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
export { DEFAULT_RECONNECT, type ReconnectOptions, reconnectDelayMs } from "./gateway/backoff.js";
export {
  DEVICE_KEY_STORAGE_KEY,
  type DeviceIdentity,
  type DeviceJwk,
  type DeviceKeyPair,
  type DeviceKeyStore,
  loadDeviceIdentity,
  localStorageDeviceKeyStore,
  memoryDeviceKeyStore,
  type StorageLike,
  type SubtleLike,
} from "./gateway/device-identity.js";
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
