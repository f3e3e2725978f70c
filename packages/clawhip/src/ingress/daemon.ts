import { execFile } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClawhipConfig } from "@clawbridge/contracts";
import { createGuardedServer } from "@clawbridge/plugin-host";
import type { ClawhipRuntimeOptions } from "../runtime/clawhip-runtime.js";
import { type DeliveryRuntime, startDeliveryRuntime } from "../runtime/delivery-runtime.js";
import type { GithubPoller } from "../sources/github-poller.js";
import { type RunningSources, startSources } from "../sources/start-sources.js";
import type { TmuxMonitor } from "../sources/tmux-monitor.js";
import { UpdateChecker } from "../sources/update-checker.js";
import type { WorkspaceMonitor } from "../sources/workspace-monitor.js";
import { PACKAGE_NAME, VERSION } from "../version.js";
import { createIngressHandler, pathnameOf } from "./http-handler.js";
import { sendJson } from "./http-io.js";

export interface DaemonOptions extends Omit<ClawhipRuntimeOptions, "config"> {
  config: ClawhipConfig;
  bind?: string;
  port?: number;
  token?: string;
  /** The GitHub webhook secret (`CLAWHIP_GITHUB_WEBHOOK_SECRET`); defaults to `[github].webhook_secret`. */
  githubSecret?: string;
  /** The GitHub poller's token (`CLAWHIP_GITHUB_TOKEN`); defaults to `[monitors].github_token`. Never logged. */
  githubToken?: string;
  /** The GitHub poller's and the update checker's fetch (the global one by default). */
  githubFetch?: typeof fetch;
  /** Installs an approved update (by default `npm install -g <package>@<version>` from `[update].registry`). */
  installUpdate?: (version: string) => Promise<void>;
}

export interface RunningDaemon {
  url: string;
  port: number;
  server: Server;
  runtime: DeliveryRuntime;
  tmux: TmuxMonitor;
  github: GithubPoller | undefined;
  workspace: WorkspaceMonitor | undefined;
  update: UpdateChecker | undefined;
  close(): Promise<void>;
}

/**
 * Starts the ingress daemon: the runtime (spool replayed, pending deliveries resumed) and a guarded
 * node:http server (timeouts and a connection cap from `[daemon]`) on loopback unless told otherwise.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const runtime = await startDeliveryRuntime(options);
  const log = options.log ?? ((level: string, message: string) => process.stderr.write(`clawhip ${level}: ${message}\n`));
  const { monitors } = options.config;
  const emit = (event: Parameters<DeliveryRuntime["acceptEvent"]>[0]) => runtime.acceptEvent(event);
  let sources: RunningSources;
  try {
    sources = await startSources({
      config: options.config,
      stateDir: options.stateDir,
      runtime,
      log,
      ...(options.githubToken ? { githubToken: options.githubToken } : {}),
      ...(options.githubFetch ? { githubFetch: options.githubFetch } : {}),
    });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  const { tmux, github, workspace } = sources;
  const update = options.config.update.enabled
    ? new UpdateChecker({
        config: options.config.update,
        packageName: PACKAGE_NAME,
        currentVersion: VERSION,
        fetch: options.githubFetch ?? fetch,
        now: () => Date.now(),
        emit,
        install: options.installUpdate ?? ((version) => npmInstall(options.config.update.registry, version)),
        log,
      })
    : undefined;
  const token = options.token ?? options.config.daemon.token;
  const handler = createIngressHandler({
    runtime: () => runtime,
    tmux: () => tmux,
    update: () => update,
    healthExtra: () => ({
      token_source: options.discordToken ? "env" : options.config.providers.discord?.token ? "config" : "missing",
      webhook_routes_configured: options.config.routes.some((r) => r.webhook !== undefined || r.slack_webhook !== undefined),
      port: listening,
      daemon_base_url: options.config.daemon.base_url ?? null,
      registered_tmux_sessions: tmux.size,
      configured_tmux_monitors: monitors.tmux.sessions.length,
      github_poller_repos: github?.repoCount ?? 0,
      workspace_monitors: monitors.workspace.length,
      configured_cron_jobs: options.config.cron.jobs.length,
      github_webhook_configured: (options.githubSecret ?? options.config.github.webhook_secret) !== undefined,
    }),
    log: (message) => log("error", message),
    ...(token ? { token } : {}),
    ...(options.githubSecret ? { githubSecret: options.githubSecret } : {}),
  });
  const { daemon } = options.config;
  // Known once the server listens; /health cannot be asked before that.
  let listening = 0;
  // The guard answers what the handler cannot: requests node's parser refuses (JSON 400/408/431), a
  // connection past the cap (503), and a handler failure (500 for that request only, logged once).
  const server = createGuardedServer(
    async (req, res) => {
      if (await handler(req, res)) return;
      sendJson(res, 404, { ok: false, error: `not found: ${req.method} ${pathnameOf(req)}` });
    },
    {
      errorBody: (_status, _code, message) => ({ ok: false, error: message }),
      log: (line) => log("error", line),
      maxConnections: daemon.max_connections,
      headersTimeoutMs: daemon.headers_timeout_ms,
      requestTimeoutMs: daemon.request_timeout_ms,
      keepAliveTimeoutMs: daemon.keep_alive_timeout_ms,
    },
  );
  const bind = options.bind ?? daemon.bind;
  try {
    await new Promise<void>((resolvePromise, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? daemon.port, bind, () => {
        server.off("error", reject);
        resolvePromise();
      });
    });
  } catch (error) {
    await update?.close();
    await sources.close();
    await runtime.stop();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  listening = port;
  update?.start();
  const host = bind.includes(":") ? `[${bind}]` : bind;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    runtime,
    tmux,
    github,
    workspace,
    update,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      await update?.close();
      await sources.close();
      await runtime.stop();
    },
  };
}

/** `npm install -g <package>@<version>` from the configured registry; its output's tail is the error. */
function npmInstall(registry: string, version: string): Promise<void> {
  const args = ["install", "-g", "--registry", registry, `${PACKAGE_NAME}@${version}`];
  return new Promise((resolvePromise, reject) => {
    execFile("npm", args, { timeout: 10 * 60_000, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`npm install failed: ${(stderr || stdout || error.message).trim().slice(-300)}`));
      else resolvePromise();
    });
  });
}
