import clawhip from "@clawbridge/clawhip";
import diagnostics from "@clawbridge/diagnostics";
import kichiForwarder from "@clawbridge/kichi-forwarder";
import oomi from "@clawbridge/oomi";
import type { PluginEntryLike } from "@clawbridge/plugin-host";
import romeExample from "@clawbridge/rome-example";
import type { EmbeddedOomi } from "./embedded/oomi-backend.js";

/** A bridge plugin the local host loads, with the config it gets on the embedded local default. */
export interface BridgePlugin {
  entry: PluginEntryLike;
  config?: Record<string, unknown>;
}

/** Where the embedded local servers listen, for the plugins that talk to them. */
export interface EmbeddedServers {
  /** `127.0.0.1:<port>` of the local Kichi World. */
  kichiHost?: string;
  /** The local Oomi backend and the device paired with it. */
  oomi?: EmbeddedOomi;
}

/** Every bridge plugin of this repo. Each package adds its plugin here. */
export function bridgePlugins(servers: EmbeddedServers = {}): BridgePlugin[] {
  const plugins: BridgePlugin[] = [
    { entry: diagnostics },
    { entry: kichiForwarder, ...(servers.kichiHost ? { config: { environment: "test", testHost: servers.kichiHost } } : {}) },
    { entry: romeExample },
    { entry: clawhip },
  ];
  if (servers.oomi) {
    const { backend, deviceId, deviceToken } = servers.oomi;
    plugins.push({ entry: oomi, config: { backendUrl: backend.url, deviceId, deviceToken } });
  }
  return plugins;
}
