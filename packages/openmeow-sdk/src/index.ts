import WebSocket from "ws";
import { createOpenMeowSDKClient as createWithOptions } from "./adapter/create-client.js";
import type { OpenMeowSDKClient, OpenMeowSDKClientOptions } from "./adapter/types.js";
import { type DeviceIdentity, loadDeviceIdentity, memoryDeviceKeyStore } from "./gateway/device-identity.js";
import type { WebSocketConstructor } from "./gateway/protocol-client.js";

export * from "./browser.js";

/** Node's WebSocket for the built-in client (Node 20 has no global one). */
export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

let processDevice: Promise<DeviceIdentity> | undefined;

/** This process's device identity: a key pair made on first use and kept in memory only. */
export function processDeviceIdentity(): Promise<DeviceIdentity> {
  processDevice ??= loadDeviceIdentity(memoryDeviceKeyStore());
  return processDevice;
}

/**
 * The adapter for Node: like the browser entry, with `ws` as the WebSocket and the gateway URL,
 * token and password read from `OPENCLAW_GATEWAY_URL|TOKEN|PASSWORD` when not given.
 */
export function createOpenMeowSDKClient(options: OpenMeowSDKClientOptions = {}): OpenMeowSDKClient {
  const env = process.env;
  const gateway = options.gateway ?? env.OPENCLAW_GATEWAY_URL;
  const token = options.token ?? env.OPENCLAW_GATEWAY_TOKEN;
  const password = options.password ?? env.OPENCLAW_GATEWAY_PASSWORD;
  return createWithOptions({
    WebSocket: NodeWebSocket,
    device: processDeviceIdentity,
    clientId: "gateway-client",
    clientMode: "backend",
    ...options,
    ...(gateway ? { gateway } : {}),
    ...(token ? { token } : {}),
    ...(password ? { password } : {}),
  });
}
