import type { VerifiedProcess } from "./process-identity.js";

/** True when a process with this pid exists (signal 0 probes without touching it). */
export function isProcessAlive(pid: number | null | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export type Kill = (pid: number, signal: NodeJS.Signals | 0) => void;

/**
 * The one place a signal is sent. `kill(-n)` reaches a whole group and `kill(0)`/`kill(-1)` reach
 * every process we may signal, so a target of pid 0 or 1 is refused outright, whatever made it.
 */
function send(target: VerifiedProcess, signal: NodeJS.Signals | 0, kill: Kill): boolean {
  if (!Number.isInteger(target.pid) || target.pid <= 1) throw new RangeError(`refusing to signal pid ${target.pid}`);
  const ids = target.leadsGroup ? [-target.pid, target.pid] : [target.pid];
  for (const id of ids) {
    try {
      kill(id, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPERM") return true;
    }
  }
  return false;
}

export interface StopProcessOptions {
  graceMs?: number;
  pollMs?: number;
  kill?: Kill;
}

/**
 * Ends a verified process and, when it leads one, its whole group (npm, vite, esbuild): SIGTERM,
 * then SIGKILL once `graceMs` passes with any member still alive. Resolves with the last signal sent.
 */
export async function stopProcessGroup(
  target: VerifiedProcess,
  { graceMs = 5_000, pollMs = 100, kill = (pid, signal) => process.kill(pid, signal) }: StopProcessOptions = {},
): Promise<"SIGTERM" | "SIGKILL" | null> {
  const alive = () => send(target, 0, kill);
  if (!alive()) return null;
  send(target, "SIGTERM", kill);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive()) return "SIGTERM";
    await new Promise((r) => setTimeout(r, pollMs));
  }
  send(target, "SIGKILL", kill);
  const killDeadline = Date.now() + 2_000;
  while (alive() && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  return "SIGKILL";
}
