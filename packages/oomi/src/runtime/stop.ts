import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { OomiError } from "../errors.js";
import { isInside, workspacePathFor } from "../paths.js";
import { isProcessAlive, stopProcessGroup } from "./process-group.js";
import { readRuntimeState } from "./state.js";
import { writeRuntimeState } from "./state-write.js";

export interface StopOutcome {
  slug: string;
  workspacePath: string;
  wasRunning: boolean;
  signal: "SIGTERM" | "SIGKILL" | null;
  removed: boolean;
}

/** Stops a managed runtime's whole process group and records `status: stopped`. */
export async function stopManagedRuntime(slug: string, workspaceRoot: string, graceMs?: number): Promise<StopOutcome> {
  const workspacePath = workspacePathFor(workspaceRoot, slug);
  if (!existsSync(workspacePath)) {
    throw new OomiError("WORKSPACE_NOT_FOUND", `no persona workspace at ${workspacePath}; check the slug and --workspace-root`);
  }
  const state = await readRuntimeState(workspacePath);
  if (!state) return { slug, workspacePath, wasRunning: false, signal: null, removed: false };
  const wasRunning = isProcessAlive(state.pid);
  const signal = state.pid ? await stopProcessGroup(state.pid, graceMs) : null;
  await writeRuntimeState(workspacePath, { ...state, pid: null, status: "stopped", stoppedAt: new Date().toISOString() });
  return { slug, workspacePath, wasRunning, signal, removed: false };
}

/** Stops the runtime and removes the workspace; never touches anything outside the workspace root. */
export async function deleteManagedRuntime(slug: string, workspaceRoot: string, graceMs?: number): Promise<StopOutcome> {
  const workspacePath = workspacePathFor(workspaceRoot, slug);
  if (!isInside(workspaceRoot, workspacePath)) throw new OomiError("PATH_OUTSIDE_ROOT", `${workspacePath} is outside ${workspaceRoot}`, 2);
  if (!existsSync(workspacePath)) {
    throw new OomiError("WORKSPACE_NOT_FOUND", `no persona workspace at ${workspacePath}; nothing to delete`);
  }
  let outcome: StopOutcome = { slug, workspacePath, wasRunning: false, signal: null, removed: false };
  try {
    outcome = await stopManagedRuntime(slug, workspaceRoot, graceMs);
  } catch (error) {
    if (!(error instanceof OomiError && error.code === "RUNTIME_STATE_INVALID")) throw error;
  }
  await rm(workspacePath, { recursive: true, force: true });
  return { ...outcome, removed: true };
}
