import clawhip from "@clawbridge/clawhip";
import type { HostServerName } from "@clawbridge/contracts";
import diagnostics from "@clawbridge/diagnostics";
import kichiForwarder from "@clawbridge/kichi-forwarder";
import oomi from "@clawbridge/oomi";
import type { PluginEntryLike } from "@clawbridge/plugin-host";
import { LocalHost, stderrLogger } from "@clawbridge/plugin-host/local-host";
import romeExample from "@clawbridge/rome-example";
import { localBanner, nextCommands } from "./banner.js";
import { openMeowLink } from "./embedded/openmeow-web.js";
import type { HostCliOptions } from "./options.js";
import { type BridgePluginId, bridgePluginSetups } from "./plugins.js";
import type { RunContext } from "./run-context.js";
import { oomiCliOf, serverNote, startLocalServers } from "./servers.js";

/** The plugin entries LocalHost loads in process (the gateway installs the same plugins from their artifacts). */
const LOCAL_ENTRIES: Record<BridgePluginId, PluginEntryLike> = {
  clawbridge: diagnostics,
  "kichi-forwarder": kichiForwarder,
  "rome-example": romeExample,
  clawhip,
  oomi,
};

/**
 * `pnpm start --local`: every bridge plugin in one LocalHost in this Node 20 process, next to the
 * local servers. Resolves with the banner once everything listens; `context.cleanups` holds how to stop it.
 */
export async function runLocalHost(options: HostCliOptions, token: string, context: RunContext): Promise<string> {
  const host = new LocalHost({
    stateDir: options.stateDir,
    bind: options.bind,
    port: options.port,
    token,
    publicRoutes: options.publicRoutes,
    logger: stderrLogger("clawbridge-host"),
  });
  const servers = await startLocalServers(options, false, context);
  // Registered after the servers, so it runs before them: the plugins stop while what they talk to still answers.
  context.cleanups.add("LocalHost", () => host.stop());
  for (const setup of bridgePluginSetups({ kichiHost: servers.kichiWorld.host, oomi: servers.oomi, personasDir: servers.personasDir })) {
    await host.load(LOCAL_ENTRIES[setup.id], setup.config ? { config: setup.config } : {});
  }
  await host.start();
  const note = (what: string, name: HostServerName) => serverNote(servers, name, what);
  const address = options.bind.includes(":") ? `[${options.bind}]` : options.bind;
  return localBanner({
    url: host.url,
    token: host.token,
    stateDir: options.stateDir,
    plugins: host.plugins.map((p) => p.id),
    tools: host.listTools(),
    publicRoutes: options.publicRoutes,
    kichiWorld: { url: servers.kichiWorld.url, note: note("local Kichi World; agents join it with kichi_join", "kichiWorld") },
    oomiBackend: { url: servers.oomi.backend.url, note: note("local Oomi backend", "oomiBackend") },
    openmeow:
      "error" in servers.openmeowWeb
        ? servers.openmeowWeb
        : {
            url: openMeowLink(servers.openmeowWeb, options.bind, `ws://${address}:${host.port}`, host.token),
            note: note("OpenMeow web UI on this host's Gateway WebSocket", "openmeowWeb"),
          },
    next: nextCommands({
      url: host.url,
      token: host.token,
      oomi: oomiCliOf(servers),
    }),
  });
}
