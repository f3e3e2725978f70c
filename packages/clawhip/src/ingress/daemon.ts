import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClawhipConfig } from "@clawbridge/contracts";
import { createGuardedServer } from "@clawbridge/plugin-host";
import { systemRun } from "../hooks/hook-context.js";
import type { ClawhipRuntimeOptions } from "../runtime/clawhip-runtime.js";
import { type DeliveryRuntime, startDeliveryRuntime } from "../runtime/delivery-runtime.js";
import { CronRunner } from "../sources/cron.js";
import { TmuxMonitor } from "../sources/tmux-monitor.js";
import { createIngressHandler, pathnameOf } from "./http-handler.js";
import { sendJson } from "./http-io.js";

export interface DaemonOptions extends Omit<ClawhipRuntimeOptions, "config"> {
  config: ClawhipConfig;
  bind?: string;
  port?: number;
  token?: string;
  /** The GitHub webhook secret (`CLAWHIP_GITHUB_WEBHOOK_SECRET`); defaults to `[github].webhook_secret`. */
  githubSecret?: string;
}

export interface RunningDaemon {
  url: string;
  port: number;
  server: Server;
  runtime: DeliveryRuntime;
  tmux: TmuxMonitor;
  close(): Promise<void>;
}

/**
 * Starts the ingress daemon: the runtime (spool replayed, pending deliveries resumed) and a guarded
 * node:http server (timeouts and a connection cap from `[daemon]`) on loopback unless told otherwise.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const runtime = await startDeliveryRuntime(options);
  const log = options.log ?? ((level: string, message: string) => process.stderr.write(`clawhip ${level}: ${message}\n`));
  const tmux = await TmuxMonitor.start({
    stateDir: options.stateDir,
    pollIntervalMs: options.config.monitors.tmux.poll_interval_ms,
    run: systemRun,
    env: process.env,
    now: () => Date.now(),
    emit: (event) => runtime.acceptEvent(event),
    log,
  });
  const cron = new CronRunner(options.config.cron.jobs, {
    pollIntervalMs: options.config.cron.poll_interval_secs * 1000,
    now: () => Date.now(),
    emit: (event) => runtime.acceptEvent(event),
    log,
  });
  const token = options.token ?? options.config.daemon.token;
  const handler = createIngressHandler({
    runtime: () => runtime,
    tmux: () => tmux,
    healthExtra: () => ({
      token_source: options.discordToken ? "env" : options.config.providers.discord?.token ? "config" : "missing",
      webhook_routes_configured: options.config.routes.some((r) => r.webhook !== undefined || r.slack_webhook !== undefined),
      port: listening,
      daemon_base_url: options.config.daemon.base_url ?? null,
      registered_tmux_sessions: tmux.size,
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
    cron.close();
    await tmux.close();
    await runtime.stop();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  listening = port;
  const host = bind.includes(":") ? `[${bind}]` : bind;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    runtime,
    tmux,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      cron.close();
      await tmux.close();
      await runtime.stop();
    },
  };
}
