import diagnostics from "@clawbridge/diagnostics";
import oomi from "@clawbridge/oomi";
import type { PluginEntryLike } from "@clawbridge/plugin-host";
import type { EmbeddedOomi } from "./embedded/oomi-backend.js";

/** A bridge plugin the local host loads, with the config it gets on the embedded local default. */
export interface BridgePlugin {
  entry: PluginEntryLike;
  config?: Record<string, unknown>;
}

/** Every bridge plugin of this repo. Each package adds its plugin here. */
export function bridgePlugins(embedded: { oomi?: EmbeddedOomi } = {}): BridgePlugin[] {
  const plugins: BridgePlugin[] = [{ entry: diagnostics }];
  if (embedded.oomi) {
    const { backend, deviceId, deviceToken } = embedded.oomi;
    plugins.push({ entry: oomi, config: { backendUrl: backend.url, deviceId, deviceToken } });
  }
  return plugins;
}
