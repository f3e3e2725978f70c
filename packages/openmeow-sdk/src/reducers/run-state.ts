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
export function reduceOpenMeowRunState(
  current: OpenMeowRunState | undefined,
  event: OpenMeowEventLike | OpenMeowWaitResult,
): OpenMeowRunState {
  const state = current ?? initialOpenMeowRunState();
  if (isWaitResult(event)) {
    if (event.runId && state.activeRun && event.runId !== state.activeRun.runId) return state;
    if (event.kind === "wait_deadline") return state.activeRun ? { ...state, waitDeadlineExpired: true } : state;
    if (event.kind === "terminal") return settledComposer(event.status);
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
    return streamingComposer(activeRun);
  }
  const terminal = terminalStatusOf(type);
  if (terminal) {
    if (state.activeRun && runId && runId !== state.activeRun.runId) return state;
    return settledComposer(terminal);
  }
  return state;
}

export function streamingComposer(activeRun: OpenMeowActiveRun): OpenMeowRunState {
  return { mode: "streaming", activeRun, canSend: false, canStop: true, lastTerminalStatus: null, waitDeadlineExpired: false };
}

export function settledComposer(status: OpenMeowRunState["lastTerminalStatus"]): OpenMeowRunState {
  return { mode: "idle", activeRun: null, canSend: true, canStop: false, lastTerminalStatus: status, waitDeadlineExpired: false };
}

/** Stop pressed: both buttons disabled until the cancel answer arrives. Pure. */
export function markOpenMeowRunCancelling(current: OpenMeowRunState | undefined): OpenMeowRunState {
  const state = current ?? initialOpenMeowRunState();
  if (!state.activeRun) return state;
  return { ...state, mode: "cancelling", canSend: false, canStop: false };
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
