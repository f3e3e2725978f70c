import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { OomiError } from "../errors.js";
import { isProcessAlive } from "./process-group.js";

/** How long a launch waits for another launch of the same persona before giving up: npm install can take minutes. */
export const LAUNCH_LOCK_TIMEOUT_MS = 10 * 60_000;
const POLL_MS = 200;

/** The lock file of `<root>/<slug>`, beside the workspace (which may not exist yet). */
export const launchLockPath = (workspaceRoot: string, slug: string) => join(workspaceRoot, `.${slug}.launch.lock`);

export interface LaunchLockOptions {
  timeoutMs?: number;
  progress?: (line: string) => void;
  /** Whether the holder recorded in a lock file still runs (tests inject it). */
  isAlive?: (pid: number) => boolean;
}

function holderOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Runs `work` while holding the persona's launch lock, so `launch-managed` and the bridge (or two
 * of either) never scaffold, `npm install` or start a dev server in the same workspace at once:
 * the second waits, polling with a bound, and then finds the first one's runtime to reuse. The lock
 * is a file created exclusively that holds the holder's pid; one whose holder is gone is taken over.
 */
export async function withLaunchLock<T>(path: string, work: () => Promise<T>, options: LaunchLockOptions = {}): Promise<T> {
  const isAlive = options.isAlive ?? ((pid: number) => isProcessAlive(pid));
  const deadline = Date.now() + (options.timeoutMs ?? LAUNCH_LOCK_TIMEOUT_MS);
  let announced = false;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    }
    const holder = holderOf(path);
    // A lock whose holder died (or whose write never finished) would block every later launch.
    if (holder === null || !isAlive(holder)) {
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new OomiError(
        "LAUNCH_BUSY",
        `another launch of this persona (pid ${holder}) still holds ${path}; wait for it to finish (the bridge may be running this persona's job), then retry`,
      );
    }
    if (!announced) options.progress?.(`waiting for another launch of this persona (pid ${holder}) to finish …`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}
