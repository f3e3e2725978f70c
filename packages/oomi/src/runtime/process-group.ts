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

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Ends the whole process group a detached dev server leads (npm, vite, esbuild): SIGTERM, then
 * SIGKILL once `graceMs` passes with any member still alive. Resolves with the last signal sent.
 */
export async function stopProcessGroup(pid: number, graceMs = 5_000, pollMs = 100): Promise<"SIGTERM" | "SIGKILL" | null> {
  if (!groupAlive(pid) && !isProcessAlive(pid)) return null;
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid) && !isProcessAlive(pid)) return "SIGTERM";
    await new Promise((r) => setTimeout(r, pollMs));
  }
  signalGroup(pid, "SIGKILL");
  const killDeadline = Date.now() + 2_000;
  while ((groupAlive(pid) || isProcessAlive(pid)) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  return "SIGKILL";
}
