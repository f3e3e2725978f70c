import { join } from "node:path";
import {
  type ClawhipTmuxList,
  type ClawhipTmuxRegistration,
  ClawhipTmuxRegistrationSchema,
  ClawhipTmuxRegistryFileSchema,
  type ClawhipTmuxSessionMonitor,
} from "@clawbridge/contracts";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";
import type { HookContextDeps } from "../hooks/hook-context.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { type PaneSnapshot, resolveConfiguredSessions, TmuxWatchState } from "./tmux-core.js";

export const TMUX_REGISTRY_FILE = "tmux-registrations.json";

export interface TmuxMonitorOptions {
  stateDir: string;
  pollIntervalMs: number;
  /** `[[monitors.tmux.sessions]]`: watched whenever they are live; a `tmux watch` of the same session wins. */
  configured?: readonly ClawhipTmuxSessionMonitor[];
  run: HookContextDeps["run"];
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Hands an event to the pipeline (the runtime accepts, spools and delivers it). */
  emit: (event: IncomingEvent) => Promise<unknown>;
  log: (level: "info" | "warn" | "error", message: string) => void;
}

/** A registration that does not validate: the message says which field and why. */
export class TmuxRegistrationError extends Error {
  override name = "TmuxRegistrationError";
}

/**
 * Watches registered tmux sessions and the sessions `[[monitors.tmux.sessions]]` declares: polls their
 * panes, turns new output into `tmux.keyword` events and quiet panes into `tmux.stale` events.
 * Registrations are written to the state folder before they are acknowledged, so they survive a
 * restart; a registration ends when its tmux session is gone. Config monitors need no registration:
 * each poll resolves them against the live sessions.
 */
export class TmuxMonitor {
  readonly #options: TmuxMonitorOptions;
  readonly #registrations = new Map<string, ClawhipTmuxRegistration>();
  readonly #state = new TmuxWatchState();
  /** When each session's panes were last read: a watcher is only live after its first look. */
  readonly #polledAt = new Map<string, string>();
  /** The config monitors' live sessions at the last poll, with when each was first seen live. */
  #configActive = new Map<string, ClawhipTmuxRegistration>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;

  private constructor(options: TmuxMonitorOptions) {
    this.#options = options;
  }

  get #path(): string {
    return join(this.#options.stateDir, TMUX_REGISTRY_FILE);
  }

  /** Loads the registrations; `schedule: false` leaves the polling to `pollOnce` (tests). */
  static async start(options: TmuxMonitorOptions, schedule = true): Promise<TmuxMonitor> {
    const monitor = new TmuxMonitor(options);
    const read = await readJsonFile(monitor.#path, ClawhipTmuxRegistryFileSchema);
    if (read.status === "ok")
      for (const registration of read.value.registrations) monitor.#registrations.set(registration.session, registration);
    if (read.status === "corrupt") options.log("error", `tmux registrations unreadable (${read.reason}); kept as ${read.movedTo}`);
    if (monitor.#registrations.size > 0) options.log("info", `watching ${monitor.#registrations.size} tmux session(s) registered earlier`);
    if (schedule) monitor.#schedule();
    return monitor;
  }

  list(): ClawhipTmuxRegistration[] {
    return [...this.#registrations.values()].sort((a, b) => a.session.localeCompare(b.session));
  }

  /** The registrations and the config monitors' live sessions, with the time each was last polled, for `GET /api/tmux`. */
  status(): ClawhipTmuxList["registrations"] {
    const entries: ClawhipTmuxList["registrations"] = [];
    for (const [source, list] of [
      ["cli-watch", this.list()],
      ["config-monitor", [...this.#configActive.values()].filter((r) => !this.#registrations.has(r.session))],
    ] as const) {
      for (const r of list) {
        const polled = this.#polledAt.get(r.session);
        entries.push({ ...r, registration_source: source, ...(polled === undefined ? {} : { last_polled_at: polled }) });
      }
    }
    return entries.sort((a, b) => a.session.localeCompare(b.session));
  }

  get size(): number {
    return this.#registrations.size;
  }

  /** Validates, persists, then watches; a repeat registration of a session replaces the earlier one. */
  async register(input: unknown): Promise<ClawhipTmuxRegistration> {
    const parsed = ClawhipTmuxRegistrationSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TmuxRegistrationError(`invalid tmux registration: ${issue?.path.join(".") || "body"}: ${issue?.message}`);
    }
    const registration = { ...parsed.data, registered_at: parsed.data.registered_at ?? new Date(this.#options.now()).toISOString() };
    const next = new Map(this.#registrations).set(registration.session, registration);
    await this.#persist(next);
    this.#registrations.set(registration.session, registration);
    this.#polledAt.delete(registration.session);
    return registration;
  }

  async #persist(registrations: Map<string, ClawhipTmuxRegistration>): Promise<void> {
    await writeJsonAtomic(this.#path, ClawhipTmuxRegistryFileSchema.parse({ registrations: [...registrations.values()] }));
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.pollOnce()
        .catch((error: Error) => this.#options.log("error", `tmux poll failed: ${error.message}`))
        .finally(() => this.#schedule());
    }, this.#options.pollIntervalMs);
    this.#timer.unref();
  }

  async #tmux(args: readonly string[]): Promise<{ ok: boolean; stdout: string }> {
    const result = await this.#options.run("tmux", args, this.#options.stateDir, this.#options.env);
    return { ok: result.status === 0, stdout: result.stdout };
  }

  async #snapshot(session: string): Promise<PaneSnapshot[] | undefined> {
    const listed = await this.#tmux([
      "list-panes",
      "-s",
      "-t",
      `=${session}`,
      "-F",
      "#{pane_id}|#{session_name}|#{window_index}.#{pane_index}|#{pane_dead}",
    ]);
    if (!listed.ok) return undefined;
    const panes: PaneSnapshot[] = [];
    for (const line of listed.stdout.split("\n")) {
      const [paneId, name = session, paneName = "", dead] = line.split("|");
      if (!paneId) continue;
      const capture = await this.#tmux(["capture-pane", "-p", "-t", paneId, "-S", "-200"]);
      if (capture.ok) panes.push({ paneId, session: name, paneName, dead: dead === "1", content: capture.stdout });
    }
    return panes;
  }

  /** The config monitors' sessions now (resolved against `tmux list-sessions`), each first-seen time kept. */
  async #configuredSessions(): Promise<Map<string, ClawhipTmuxRegistration>> {
    const configured = this.#options.configured ?? [];
    if (configured.length === 0) return new Map();
    const listed = await this.#tmux(["list-sessions", "-F", "#{session_name}"]);
    const available = listed.ok
      ? new Set(
          listed.stdout
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => line !== ""),
        )
      : undefined;
    const resolved = resolveConfiguredSessions(configured, available, new Date(this.#options.now()).toISOString());
    for (const [session, registration] of resolved) {
      const seen = this.#configActive.get(session)?.registered_at;
      if (seen !== undefined) registration.registered_at = seen;
    }
    return resolved;
  }

  /** One look at every watched session's panes. */
  async pollOnce(): Promise<void> {
    const ended: string[] = [];
    const fromConfig = await this.#configuredSessions();
    const live = new Map<string, ClawhipTmuxRegistration>();
    const watched = new Map(fromConfig);
    for (const registration of this.list()) watched.set(registration.session, registration);
    for (const registration of [...watched.values()].sort((a, b) => a.session.localeCompare(b.session))) {
      const exists = await this.#tmux(["has-session", "-t", `=${registration.session}`]);
      const now = this.#options.now();
      const panes = exists.ok ? await this.#snapshot(registration.session) : undefined;
      const events = panes === undefined ? this.#state.end(registration, now) : this.#state.observe(registration, panes, now);
      const registered = this.#registrations.has(registration.session);
      if (panes === undefined) {
        if (registered) ended.push(registration.session);
        else this.#polledAt.delete(registration.session);
      } else {
        this.#polledAt.set(registration.session, new Date(now).toISOString());
        if (!registered) live.set(registration.session, registration);
      }
      for (const event of events) await this.#options.emit(event);
    }
    this.#configActive = live;
    if (ended.length > 0) {
      const next = new Map(this.#registrations);
      for (const session of ended) next.delete(session);
      await this.#persist(next);
      for (const session of ended) {
        this.#registrations.delete(session);
        this.#polledAt.delete(session);
        this.#options.log("info", `tmux session ${session} is gone; stopped watching it`);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#polling;
  }
}
