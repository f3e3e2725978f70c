import { settledComposer, streamingComposer } from "./run-state.js";
import type { OpenMeowLaneUIState, OpenMeowRunState } from "./types.js";
import { initialOpenMeowUIState } from "./ui-state.js";

/** Whether a cancel answer (`runs.cancel` or `sessions.abort`) says this run was stopped. */
function cancelStopped(r: Record<string, unknown>, runId: string): boolean {
  const status = typeof r.status === "string" ? r.status.toLowerCase() : "";
  return (
    ["aborted", "cancelled", "canceled"].includes(status) ||
    r.aborted === true ||
    r.abortedRunId === runId ||
    (Array.isArray(r.runIds) && r.runIds.includes(runId) && r.aborted !== false)
  );
}

/**
 * The lane after the immediate answer of `cancel`: stopped → the composer settles as cancelled;
 * `no-active-run` → it settles too (the run had already ended, so it must not stay streaming);
 * any other answer, a failure included → back to streaming with Stop enabled, so the user can retry.
 * `run` defaults to the composer's active run; an answer about another run changes nothing. Pure.
 */
export function reduceOpenMeowCancelResult(
  current: OpenMeowLaneUIState | undefined,
  run: { runId?: string; sessionKey?: string } | undefined,
  result: unknown,
): OpenMeowLaneUIState {
  const lane = current ?? initialOpenMeowUIState();
  const state = lane.composer;
  const runId = run?.runId ?? state.activeRun?.runId;
  const sessionKey = run?.sessionKey ?? state.activeRun?.sessionKey;
  if (!runId || !sessionKey) throw new TypeError("reduceOpenMeowCancelResult: runId and sessionKey must be non-empty strings");
  if (state.activeRun && state.activeRun.runId !== runId) return lane;
  const r = (result && typeof result === "object" ? result : {}) as Record<string, unknown>;
  const ok = r.ok !== false;
  let composer: OpenMeowRunState = state;
  if (ok && cancelStopped(r, runId)) composer = settledComposer("cancelled");
  else if (ok && r.status === "no-active-run") composer = settledComposer(state.lastTerminalStatus);
  else if (state.activeRun) composer = streamingComposer(state.activeRun);
  return composer === state ? lane : { ...lane, composer };
}
