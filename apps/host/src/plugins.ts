import clawhip from "@clawbridge/clawhip";
import diagnostics from "@clawbridge/diagnostics";
import type { PluginEntryLike } from "@clawbridge/plugin-host";

/** A bridge plugin the local host loads, with the config it gets on the embedded local default. */
export interface BridgePlugin {
  entry: PluginEntryLike;
  config?: Record<string, unknown>;
}

/** Every bridge plugin of this repo. Each package adds its plugin here. */
export function bridgePlugins(): BridgePlugin[] {
  return [{ entry: diagnostics }, { entry: clawhip }];
}
