import { eventRunId, eventSessionKey, eventType, terminalStatusOf } from "./map-event.js";
import type { OpenMeowActiveRun, OpenMeowEventLike, OpenMeowRunState, OpenMeowWaitResult } from "./types.js";

export function initialOpenMeowRunState(): OpenMeowRunState {
  return { mode: "idle", activeRun: null, canSend: true, canStop: false, lastTerminalStatus: null, waitDeadlineExpired: false };
}

function isWaitResult(value: OpenMeowEventLike | OpenMeowWaitResult): value is OpenMeowWaitResult {
  return typeof (value as OpenMeowWaitResult).kind === "string" && typeof (value as OpenMeowWaitResult).terminal === "boolean";
}

/**
 * The send-or-stop composer: `run.started` makes it streaming (stop enabled), a terminal event of the
 * active run makes it idle. A normalized wait result may be reduced too: a wait deadline sets
 * `waitDeadlineExpired` (the run keeps streaming), a terminal wait settles the run. Pure.
 */
export function reduceOpenMeowRunState(state: OpenMeowRunState, event: OpenMeowEventLike | OpenMeowWaitResult): OpenMeowRunState {
  if (isWaitResult(event)) {
    if (event.runId && state.activeRun && event.runId !== state.activeRun.runId) return state;
    if (event.kind === "wait_deadline") return state.activeRun ? { ...state, waitDeadlineExpired: true } : state;
    if (event.kind === "terminal") return settled(event.status);
    return state;
  }
  const type = eventType(event);
  const runId = eventRunId(event);
  if (type === "run.started" || type === "run.created") {
    if (!runId) return state;
    const sessionKey = eventSessionKey(event) ?? (state.activeRun?.runId === runId ? state.activeRun.sessionKey : undefined);
    if (!sessionKey) return state;
    if (state.activeRun?.runId === runId && state.mode !== "idle") return state;
    const activeRun: OpenMeowActiveRun = { runId, sessionKey };
    return { ...state, mode: "streaming", activeRun, canSend: false, canStop: true, waitDeadlineExpired: false };
  }
  const terminal = terminalStatusOf(type);
  if (terminal) {
    if (state.activeRun && runId && runId !== state.activeRun.runId) return state;
    return settled(terminal);
  }
  return state;
}

function settled(status: OpenMeowRunState["lastTerminalStatus"]): OpenMeowRunState {
  return { mode: "idle", activeRun: null, canSend: true, canStop: false, lastTerminalStatus: status, waitDeadlineExpired: false };
}

/** Stop pressed: both buttons disabled until the cancel answer arrives. Pure. */
export function markOpenMeowRunCancelling(state: OpenMeowRunState): OpenMeowRunState {
  if (!state.activeRun) return state;
  return { ...state, mode: "cancelling", canSend: false, canStop: false };
}

/**
 * The immediate answer of `cancel`: aborted → idle/cancelled; `no-active-run` → idle too (the run
 * already ended, so the composer must not stay streaming); any other answer → back to streaming
 * with stop enabled, so the user can retry. Pure.
 */
export function reduceOpenMeowCancelResult(
  state: OpenMeowRunState,
  run: { runId: string; sessionKey?: string },
  result: unknown,
): OpenMeowRunState {
  if (state.activeRun && state.activeRun.runId !== run.runId) return state;
  const r = (result && typeof result === "object" ? result : {}) as Record<string, unknown>;
  const status = typeof r.status === "string" ? r.status.toLowerCase() : "";
  const ok = r.ok !== false;
  const aborted =
    ok &&
    (["aborted", "cancelled", "canceled"].includes(status) ||
      r.aborted === true ||
      r.abortedRunId === run.runId ||
      (Array.isArray(r.runIds) && r.runIds.includes(run.runId)));
  if (aborted) return settled("cancelled");
  if (ok && status === "no-active-run") {
    return {
      mode: "idle",
      activeRun: null,
      canSend: true,
      canStop: false,
      lastTerminalStatus: state.lastTerminalStatus,
      waitDeadlineExpired: false,
    };
  }
  if (!state.activeRun) return state;
  return { ...state, mode: "streaming", canSend: false, canStop: true };
}

/** Separates a wait deadline (`accepted`: the run is still live) from a terminal wait. Pure. */
export function normalizeOpenMeowWaitResult(result: unknown): OpenMeowWaitResult {
  const r = (result && typeof result === "object" ? result : {}) as Record<string, unknown>;
  const status = typeof r.status === "string" ? r.status : "unknown";
  const runId = typeof r.runId === "string" && r.runId ? { runId: r.runId } : {};
  if (status === "accepted") return { kind: "wait_deadline", terminal: false, status: "accepted", raw: result, ...runId };
  if (status === "completed" || status === "cancelled" || status === "timed_out" || status === "failed") {
    return { kind: "terminal", terminal: true, status, raw: result, ...runId };
  }
  return { kind: "unknown", terminal: false, status, raw: result, ...runId };
}
