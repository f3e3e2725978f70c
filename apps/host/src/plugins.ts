import type { EmbeddedOomi } from "./embedded/oomi-backend.js";

/** The plugin ids of this repo's bridge plugins (`openclaw.plugin.json` `id`), in load order. */
export const BRIDGE_PLUGIN_IDS = ["clawbridge", "kichi-forwarder", "rome-example", "clawhip", "oomi"] as const;
export type BridgePluginId = (typeof BRIDGE_PLUGIN_IDS)[number];

/** How a bridge plugin is set up on the local default: the same in LocalHost and in the gateway. */
export interface BridgePluginSetup {
  id: BridgePluginId;
  /** `plugins.entries.<id>.config`. */
  config?: Record<string, unknown>;
  /** The plugin uses conversation hooks, which a gateway blocks for installed plugins unless allowed. */
  allowConversationAccess?: boolean;
}

/** Where the embedded local servers listen, for the plugins that talk to them. */
export interface EmbeddedServers {
  /** `127.0.0.1:<port>` of the local Kichi World. */
  kichiHost: string;
  /** The local Oomi backend and the device paired with it. */
  oomi: EmbeddedOomi;
  /** Where the oomi bridge keeps persona workspaces (the `oomi` CLI finds them through OPENCLAW_PERSONAS_DIR). */
  personasDir: string;
}

/** Every bridge plugin of this repo, configured against the local servers. Each package adds its plugin here. */
export function bridgePluginSetups(servers: EmbeddedServers): BridgePluginSetup[] {
  const { backend, deviceId, deviceToken } = servers.oomi;
  return [
    { id: "clawbridge" },
    { id: "kichi-forwarder", config: { environment: "test", testHost: servers.kichiHost }, allowConversationAccess: true },
    { id: "rome-example" },
    { id: "clawhip", allowConversationAccess: true },
    { id: "oomi", config: { backendUrl: backend.url, deviceId, deviceToken, workspaceRoot: servers.personasDir } },
  ];
}

/**
 * The `channels.<id>` sections of the gateway: the `oomi` channel's `local` account on the embedded
 * backend and its paired device, so Oomi chat posted there reaches the gateway's agent and its reply
 * comes back (over the backend's broker WebSocket, polling while that is down).
 */
export function bridgeChannelSetups(servers: EmbeddedServers): Record<string, Record<string, unknown>> {
  const { backend, deviceToken } = servers.oomi;
  return { oomi: { accounts: { local: { backendUrl: backend.url, deviceToken } } } };
}
