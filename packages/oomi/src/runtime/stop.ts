import { existsSync, realpathSync } from "node:fs";
import { rm } from "node:fs/promises";
import { isOomiError, OomiError } from "../errors.js";
import { assertContainedWrite, assertPersonaWorkspace, homeDirectories, workspaceForChange } from "../workspace/guard.js";
import { type Kill, stopProcessGroup } from "./process-group.js";
import { assertVerifiable, identifyDevServer } from "./process-identity.js";
import { type ProcessInspector, systemProcessInspector } from "./process-inspector.js";
import { readRuntimeState, runtimeStatePath } from "./state.js";
import { stoppedState, writeRuntimeState } from "./state-write.js";

export interface StopOutcome {
  slug: string;
  workspacePath: string;
  wasRunning: boolean;
  signal: "SIGTERM" | "SIGKILL" | null;
  removed: boolean;
  notSignalled: { pid: number; reason: string } | null;
}

export interface StopOptions {
  /** Home directories the workspace root must neither be nor contain (default: this process's). */
  homes?: readonly string[];
  graceMs?: number;
  inspector?: ProcessInspector;
  kill?: Kill;
}

async function stopRuntimeIn(slug: string, workspacePath: string, options: StopOptions): Promise<StopOutcome> {
  // Checked before the file is even read: a .oomi symlinked out of the workspace names someone else's pid.
  assertContainedWrite(workspacePath, runtimeStatePath(workspacePath));
  const state = await readRuntimeState(workspacePath);
  const outcome: StopOutcome = { slug, workspacePath, wasRunning: false, signal: null, removed: false, notSignalled: null };
  if (!state) return outcome;
  const verdict = identifyDevServer(state, realpathSync(workspacePath), options.inspector ?? systemProcessInspector());
  assertVerifiable(verdict);
  if (verdict.kind === "ours") {
    outcome.wasRunning = true;
    outcome.signal = await stopProcessGroup(verdict.process, { graceMs: options.graceMs, kill: options.kill });
  }
  if (verdict.kind === "not-ours") outcome.notSignalled = { pid: verdict.pid, reason: verdict.reason };
  await writeRuntimeState(workspacePath, stoppedState(state));
  return outcome;
}

/**
 * Stops a managed runtime's whole process group, after checking that the recorded pid is still the
 * dev server launch-managed started, and records `status: stopped`.
 */
export async function stopManagedRuntime(slug: string, workspaceRoot: string, options: StopOptions = {}): Promise<StopOutcome> {
  const workspacePath = workspaceForChange(workspaceRoot, slug, options.homes ?? homeDirectories(process.env));
  if (!existsSync(workspacePath)) {
    throw new OomiError("WORKSPACE_NOT_FOUND", `no persona workspace at ${workspacePath}; check the slug and --workspace-root`);
  }
  return stopRuntimeIn(slug, workspacePath, options);
}

/**
 * Stops the runtime and removes the workspace: only a real folder under a safe root that holds this
 * persona's persona.json and oomi.runtime.json (see workspace/guard.ts).
 */
export async function deleteManagedRuntime(slug: string, workspaceRoot: string, options: StopOptions = {}): Promise<StopOutcome> {
  const workspacePath = workspaceForChange(workspaceRoot, slug, options.homes ?? homeDirectories(process.env));
  if (!existsSync(workspacePath)) {
    throw new OomiError("WORKSPACE_NOT_FOUND", `no persona workspace at ${workspacePath}; nothing to delete`);
  }
  assertPersonaWorkspace(workspacePath, slug, "delete it");
  let outcome: StopOutcome = { slug, workspacePath, wasRunning: false, signal: null, removed: false, notSignalled: null };
  try {
    outcome = await stopRuntimeIn(slug, workspacePath, options);
  } catch (error) {
    // A malformed runtime.json names no process to stop; the workspace goes anyway.
    if (!(isOomiError(error) && error.code === "RUNTIME_STATE_INVALID")) throw error;
  }
  await rm(workspacePath, { recursive: true, force: true });
  return { ...outcome, removed: true };
}
