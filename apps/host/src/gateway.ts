import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { HostServerName } from "@clawbridge/contracts";
import {
  gatewayEnv,
  installPlugins,
  openclawVersion,
  pluginPackages,
  startGatewayProcess,
  stopProcessTree,
  writeGatewayConfig,
} from "@clawbridge/e2e-harness/openclaw-gateway";
import { gatewayBanner, nextCommands } from "./banner.js";
import { openMeowLink } from "./embedded/openmeow-web.js";
import type { HostCliOptions } from "./options.js";
import { bridgeChannelSetups, bridgePluginSetups } from "./plugins.js";
import type { RunContext } from "./run-context.js";
import { oomiCliOf, serverNote, startLocalServers } from "./servers.js";

/** Bound on the wait for the gateway's ready line (it takes 10-20 s on a 2-core machine). */
const READY_TIMEOUT_MS = 180_000;

/**
 * `pnpm start`: the real OpenClaw gateway (the pinned `openclaw` under the workspace's Node 24), its
 * home in `<state-dir>/openclaw` (HOME and OPENCLAW_HOME of its processes, never the user's
 * `~/.openclaw`), every bridge plugin installed from its packed artifact (again only when the artifact
 * changed), configured against the local servers, with the demo model as its agents' default model.
 * Resolves with the banner once the gateway is ready; `context.cleanups` holds how to stop it all.
 */
export async function runGateway(options: HostCliOptions, token: string, context: RunContext): Promise<string> {
  const { cleanups, report } = context;
  const home = join(options.stateDir, "openclaw");
  const tmp = join(home, "tmp");
  await mkdir(tmp, { recursive: true });
  const env = gatewayEnv({ home, tmp });
  const logFile = join(home, "gateway.log");

  const servers = await startLocalServers(options, true, context);
  const model = servers.demoModel;
  if (!model) throw new Error("the demo model did not start");
  const embedded = { kichiHost: servers.kichiWorld.host, oomi: servers.oomi, personasDir: servers.personasDir };
  const setups = bridgePluginSetups(embedded);

  const packages = new Map((await pluginPackages()).map((plugin) => [plugin.id, plugin.dir]));
  const installs = new AbortController();
  cleanups.add("the plugin install", () => installs.abort());
  const plugins = await installPlugins({
    plugins: setups.map((setup) => {
      const dir = packages.get(setup.id);
      if (!dir) throw new Error(`no workspace package declares the OpenClaw plugin ${setup.id}`);
      return { dir };
    }),
    home,
    env,
    artifactsDir: join(options.stateDir, "artifacts"),
    signal: installs.signal,
    onInstall: (id) => report(`installing ${id} into the gateway from its packed artifact (new or changed)…`),
  });
  await writeGatewayConfig(home, {
    logFile,
    plugins: setups,
    channels: bridgeChannelSetups(embedded),
    model: { baseUrl: model.baseUrl, modelId: model.modelId, modelName: "clawbridge demo model (not an AI)" },
  });

  report(`starting the OpenClaw gateway on 127.0.0.1:${options.port}…`);
  let ready = false;
  let partial = "";
  const gateway = startGatewayProcess({
    home,
    env,
    port: options.port,
    token,
    readyTimeoutMs: READY_TIMEOUT_MS,
    // Until it is ready the output is kept for a failure report; after that it is the live log.
    onOutput: (text) => {
      if (!ready) return;
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) report(`gateway: ${line}`);
    },
  });
  let stopping = false;
  cleanups.add("the gateway", async () => {
    stopping = true;
    await stopProcessTree(gateway.child);
  });
  // However this process ends (even a fatal error's exit), the gateway in its own process group ends too.
  const endGateway = () => {
    if (gateway.child.pid !== undefined && gateway.child.exitCode === null && gateway.child.signalCode === null) {
      try {
        process.kill(-gateway.child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  };
  process.once("exit", endGateway);
  gateway.child.once("exit", (code, signal) => {
    process.off("exit", endGateway);
    if (ready && !stopping) context.fail(`the gateway exited (${signal ?? `code ${code}`}); its log: ${logFile}`);
  });
  await gateway.ready;
  ready = true;

  const note = (what: string, name: HostServerName) => serverNote(servers, name, what);
  const gatewayUrl = `http://127.0.0.1:${options.port}`;
  return gatewayBanner({
    gatewayUrl,
    token,
    openclawVersion: openclawVersion(),
    stateDir: options.stateDir,
    gatewayHome: home,
    logFile,
    plugins,
    model: { ref: `clawbridge-demo/${model.modelId}`, url: model.baseUrl, note: note("a demo model, not an AI", "demoModel") },
    kichiWorld: { url: servers.kichiWorld.url, note: note("local Kichi World; agents join it with kichi_join", "kichiWorld") },
    oomiBackend: {
      url: servers.oomi.backend.url,
      note: note("local Oomi backend; the gateway's oomi channel answers its chat", "oomiBackend"),
    },
    openmeow:
      "error" in servers.openmeowWeb
        ? servers.openmeowWeb
        : {
            url: openMeowLink(servers.openmeowWeb, options.bind, `ws://127.0.0.1:${options.port}`, token),
            // The page signs the gateway's connect challenge with its browser's device key (the SDK's
            // browser entry), which openclaw pairs silently on loopback and grants the page's scopes.
            note: note("OpenMeow web UI on the gateway's WebSocket (the page pairs as this browser's device)", "openmeowWeb"),
          },
    next: nextCommands({
      url: gatewayUrl,
      token,
      oomi: oomiCliOf(servers),

      gatewayHome: home,
    }),
  });
}
