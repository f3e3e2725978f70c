import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import type { ClawhipWorkspaceMonitor } from "@clawbridge/contracts";
import type { IncomingEvent } from "../normalize/incoming.js";
import { isRecord, type JsonRecord } from "../normalize/json.js";
import { diffStateFile, isKnownStateFile, type StateFileLocation, stateFamilyOf } from "./workspace-core.js";

export interface WorkspaceMonitorOptions {
  monitors: readonly ClawhipWorkspaceMonitor[];
  /** `[monitors].poll_interval_secs`, unless a monitor asks for a shorter `poll_interval_secs`. */
  defaultPollIntervalSecs: number;
  now: () => number;
  emit: (event: IncomingEvent) => Promise<unknown>;
  log: (level: "info" | "warn" | "error", message: string) => void;
}

interface WatchedDir {
  monitor: ClawhipWorkspaceMonitor;
  workspaceRoot: string;
  path: string;
  stateFamily: StateFileLocation["stateFamily"];
}

/** A file's size and change time: a difference means it was written since the last look. */
type Signature = string;

/** The state files are small JSON; anything bigger is not one of them and is not read. */
const MAX_STATE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Watches the `.omx`/`.omc` state folders of `[[monitors.workspace]]` by polling: a file whose size or
 * change time moved is read once it has been still for the monitor's `debounce_ms`, and its new reading
 * is compared with the last one. What is there when the monitor starts is its baseline (no events).
 * A file that is not valid JSON (half written) is skipped until it is; its last good reading stays.
 */
export class WorkspaceMonitor {
  readonly #options: WorkspaceMonitorOptions;
  readonly #signatures = new Map<string, Signature>();
  readonly #readings = new Map<string, JsonRecord>();
  /** Changed files and the time each may be read (pushed back while it keeps changing). */
  readonly #pending = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #closed = false;

  private constructor(options: WorkspaceMonitorOptions) {
    this.#options = options;
  }

  static async start(options: WorkspaceMonitorOptions, schedule = true): Promise<WorkspaceMonitor> {
    const monitor = new WorkspaceMonitor(options);
    for (const [path, signature] of await monitor.#scan()) {
      monitor.#signatures.set(path, signature);
      const reading = await readState(path);
      if (reading !== undefined) monitor.#readings.set(path, reading);
    }
    if (schedule) monitor.#schedule();
    return monitor;
  }

  get intervalMs(): number {
    const own = this.#options.monitors.flatMap((m) => (m.poll_interval_secs === undefined ? [] : [m.poll_interval_secs]));
    return Math.max(1, Math.min(...own, this.#options.defaultPollIntervalSecs)) * 1000;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#polling = this.pollOnce()
        .catch((error: Error) => this.#options.log("error", `workspace poll failed: ${error.message}`))
        .finally(() => this.#schedule());
    }, this.intervalMs);
    this.#timer.unref();
  }

  /** The watched folders: each monitor's path and, with `discover_worktrees`, each `.claude/worktrees/<name>`. */
  async #watchedDirs(): Promise<WatchedDir[]> {
    const dirs: WatchedDir[] = [];
    for (const monitor of this.#options.monitors) {
      const roots = [monitor.path];
      if (monitor.discover_worktrees) {
        const worktrees = join(monitor.path, ".claude", "worktrees");
        const entries = await readdir(worktrees, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) if (entry.isDirectory()) roots.push(join(worktrees, entry.name));
      }
      for (const root of roots.sort()) {
        for (const watchDir of monitor.watch_dirs) {
          dirs.push({ monitor, workspaceRoot: root, path: join(root, watchDir), stateFamily: stateFamilyOf(watchDir) });
        }
      }
    }
    return dirs;
  }

  async #scan(): Promise<Map<string, Signature>> {
    const found = new Map<string, Signature>();
    for (const dir of await this.#watchedDirs()) await collectJson(dir.path, found);
    return found;
  }

  #locate(dirs: readonly WatchedDir[], path: string): StateFileLocation | undefined {
    for (const dir of dirs) {
      const rel = relative(dir.path, path);
      if (rel === "" || rel.startsWith("..") || rel.startsWith(sep)) continue;
      return {
        monitor: dir.monitor,
        workspaceRoot: dir.workspaceRoot,
        workspaceName: basename(dir.workspaceRoot) || dir.workspaceRoot,
        stateFamily: dir.stateFamily,
        stateDir: dir.path,
        stateFile: rel.split(sep).join("/"),
      };
    }
    return undefined;
  }

  /** One look: note what changed, then read and report the files that have been still long enough. */
  async pollOnce(): Promise<void> {
    const dirs = await this.#watchedDirs();
    const current = await this.#scan();
    const now = this.#options.now();
    const changed = new Set<string>();
    for (const [path, signature] of current) if (this.#signatures.get(path) !== signature) changed.add(path);
    for (const path of this.#signatures.keys()) if (!current.has(path)) changed.add(path);
    for (const path of changed) {
      const debounce = this.#locate(dirs, path)?.monitor.debounce_ms ?? 2000;
      this.#pending.set(path, now + debounce);
    }
    this.#signatures.clear();
    for (const [path, signature] of current) this.#signatures.set(path, signature);

    for (const [path, dueAt] of [...this.#pending].sort(([a], [b]) => a.localeCompare(b))) {
      if (dueAt > now) continue;
      this.#pending.delete(path);
      const location = this.#locate(dirs, path);
      if (location === undefined || !isKnownStateFile(location.stateFile)) {
        this.#readings.delete(path);
        continue;
      }
      const exists = current.has(path);
      const reading = exists ? await readState(path) : undefined;
      if (exists && reading === undefined) {
        this.#options.log("warn", `workspace state file ${path} is not a JSON object; kept its last reading`);
        continue;
      }
      const events = diffStateFile(location, this.#readings.get(path), reading);
      try {
        for (const event of events) await this.#options.emit(event);
      } catch (error) {
        // Not remembered, so the next look reports the change again.
        this.#pending.set(path, now);
        throw error;
      }
      if (reading === undefined) this.#readings.delete(path);
      else this.#readings.set(path, reading);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#polling;
  }
}

async function collectJson(dir: string, found: Map<string, Signature>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await collectJson(path, found);
    else if (entry.isFile() && entry.name.endsWith(".json")) {
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined) found.set(path, `${info.size}:${info.mtimeMs}:${info.ino}`);
    }
  }
}

async function readState(path: string): Promise<JsonRecord | undefined> {
  try {
    const info = await stat(path);
    if (info.size > MAX_STATE_FILE_BYTES) return undefined;
    const value: unknown = JSON.parse(await readFile(path, "utf8"));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
