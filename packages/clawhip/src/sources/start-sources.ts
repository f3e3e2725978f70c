import type { ClawhipConfig } from "@clawbridge/contracts";
import { systemRun } from "../hooks/hook-context.js";
import type { DeliveryRuntime } from "../runtime/delivery-runtime.js";
import { CronRunner } from "./cron.js";
import { GithubPoller } from "./github-poller.js";
import { TmuxMonitor } from "./tmux-monitor.js";
import { WorkspaceMonitor } from "./workspace-monitor.js";

export interface SourcesOptions {
  config: ClawhipConfig;
  /** Where the sources keep their state (tmux registrations, poller and cron progress). */
  stateDir: string;
  runtime: DeliveryRuntime;
  log: (level: "info" | "warn" | "error", message: string) => void;
  /** The GitHub poller's token (`CLAWHIP_GITHUB_TOKEN`); defaults to `[monitors].github_token`. Never logged. */
  githubToken?: string;
  /** The GitHub poller's fetch (the global one by default). */
  githubFetch?: typeof fetch;
}

/** The event sources that run inside a clawhip process, and how to stop them all. */
export interface RunningSources {
  tmux: TmuxMonitor;
  github: GithubPoller | undefined;
  workspace: WorkspaceMonitor | undefined;
  cron: CronRunner;
  close(): Promise<void>;
}

/**
 * Starts what `[monitors]` and `[cron]` configure — tmux sessions (and the registrations kept in the
 * state folder), the GitHub poller, workspace monitors, cron jobs — each emitting into `runtime`. The
 * daemon and the OpenClaw plugin both run them. If one fails to start, those already started are stopped.
 */
export async function startSources(options: SourcesOptions): Promise<RunningSources> {
  const { config, runtime, log, stateDir } = options;
  const { monitors } = config;
  const emit = (event: Parameters<DeliveryRuntime["acceptEvent"]>[0]) => runtime.acceptEvent(event);
  const started: Array<{ close(): Promise<void> }> = [];
  const closeAll = async () => {
    for (const source of started.reverse()) await source.close();
  };
  try {
    const tmux = await TmuxMonitor.start({
      stateDir,
      pollIntervalMs: monitors.tmux.poll_interval_ms,
      configured: monitors.tmux.sessions,
      run: systemRun,
      env: process.env,
      now: () => Date.now(),
      emit,
      log,
    });
    started.push(tmux);
    // The poller runs only for repositories that ask for GitHub events (upstream's rule).
    const github = monitors.git.repos.some((r) => r.emit_issue_opened || r.emit_pr_status)
      ? await GithubPoller.start({
          stateDir,
          repos: monitors.git.repos,
          apiBase: monitors.github_api_base,
          token: options.githubToken ?? monitors.github_token,
          intervalMs: monitors.poll_interval_secs * 1000,
          fetch: options.githubFetch ?? fetch,
          run: systemRun,
          env: process.env,
          now: () => Date.now(),
          emit,
          log,
        })
      : undefined;
    if (github) started.push(github);
    const workspace =
      monitors.workspace.length > 0
        ? await WorkspaceMonitor.start({
            monitors: monitors.workspace,
            defaultPollIntervalSecs: monitors.poll_interval_secs,
            now: () => Date.now(),
            emit,
            log,
          })
        : undefined;
    if (workspace) started.push(workspace);
    const cron = await CronRunner.start(config.cron.jobs, {
      stateDir,
      pollIntervalMs: config.cron.poll_interval_secs * 1000,
      now: () => Date.now(),
      emit: async (event) => {
        const reply = await runtime.acceptEvent(event);
        // Not spooled (a full disk): the pass is not recorded, so the next tick posts it again.
        if (reply.status >= 500) throw new Error(`event spool unavailable (${reply.status})`);
      },
      log,
    });
    started.push(cron);
    return { tmux, github, workspace, cron, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
