import { deltaText, eventData, eventRunId, eventType, mapOpenClawEventToOpenMeowUIEvent } from "./map-event.js";
import { initialOpenMeowRunState, reduceOpenMeowRunState } from "./run-state.js";
import type { OpenMeowEventLike, OpenMeowLaneUIState, OpenMeowUIEvent, OpenMeowWaitResult } from "./types.js";

export const OPENMEOW_DEBUG_EVENT_LIMIT = 200;
const PREVIEW_LIMIT = 2_000;

export function initialOpenMeowUIState(sessionKey?: string): OpenMeowLaneUIState {
  const state: OpenMeowLaneUIState = {
    composer: initialOpenMeowRunState(),
    messages: [],
    assistantDrafts: {},
    toolActivities: [],
    approvals: [],
    debugEvents: [],
    revision: 0,
    rowIndex: { tools: new Map(), approvals: new Map() },
  };
  if (sessionKey) state.sessionKey = sessionKey;
  return state;
}

function flushDraft(state: OpenMeowLaneUIState, runId: string, text?: string): void {
  const draft = state.assistantDrafts[runId];
  const body = text ?? draft;
  delete state.assistantDrafts[runId];
  if (!body) return;
  state.messages.push({ id: `${runId}:${state.messages.length}`, role: "assistant", runId, text: body, streaming: false });
}

function upsertTool(state: OpenMeowLaneUIState, ui: Extract<OpenMeowUIEvent, { kind: "tool_activity" }>): void {
  const at = state.rowIndex.tools.get(ui.id);
  const previous = at === undefined ? undefined : state.toolActivities[at];
  const row = {
    id: ui.id,
    title: previous && ui.title === ui.id ? previous.title : ui.title,
    phase: ui.phase,
    ...(ui.runId ? { runId: ui.runId } : previous?.runId ? { runId: previous.runId } : {}),
    ...(ui.detail !== undefined ? { detail: ui.detail } : previous?.detail !== undefined ? { detail: previous.detail } : {}),
    ...(previous?.preview !== undefined ? { preview: previous.preview } : {}),
  };
  if (ui.phase === "delta" && ui.detail) row.preview = `${previous?.preview ?? ""}${ui.detail}`.slice(-PREVIEW_LIMIT);
  if (previous && at !== undefined) state.toolActivities[at] = row;
  else {
    state.rowIndex.tools.set(ui.id, state.toolActivities.length);
    state.toolActivities.push(row);
  }
}

function upsertApproval(state: OpenMeowLaneUIState, ui: Extract<OpenMeowUIEvent, { kind: "approval_card" }>): void {
  const id = ui.approvalId ?? `${ui.runId ?? "run"}:approval:${ui.title}`;
  const at = state.rowIndex.approvals.get(id);
  const previous = at === undefined ? undefined : state.approvals[at];
  const row = {
    id,
    title: previous && ui.phase === "resolved" ? previous.title : ui.title,
    status: ui.phase,
    ...(ui.runId ? { runId: ui.runId } : previous?.runId ? { runId: previous.runId } : {}),
    ...(ui.decision ? { decision: ui.decision } : {}),
  };
  if (previous && at !== undefined) state.approvals[at] = row;
  else {
    state.rowIndex.approvals.set(id, state.approvals.length);
    state.approvals.push(row);
  }
}

/** The next top-level state: a fixed-shape literal (cheaper than a spread on the hot path). */
function next(state: OpenMeowLaneUIState, composer: OpenMeowLaneUIState["composer"]): OpenMeowLaneUIState {
  const out: OpenMeowLaneUIState = {
    composer,
    messages: state.messages,
    assistantDrafts: state.assistantDrafts,
    toolActivities: state.toolActivities,
    approvals: state.approvals,
    debugEvents: state.debugEvents,
    revision: state.revision + 1,
    rowIndex: state.rowIndex,
  };
  if (state.sessionKey !== undefined) out.sessionKey = state.sessionKey;
  return out;
}

/**
 * Reduces one SDK event (or a normalized wait result) into the lane UI state: drafts grow by
 * deltas, a message or the terminal event turns the draft into a message, tool and approval rows are
 * upserted by id and keep their position, unknown events land in the capped debug list. Constant
 * work per event: nothing proportional to the transcript is copied.
 */
export function reduceOpenMeowUIState(state: OpenMeowLaneUIState, event: OpenMeowEventLike | OpenMeowWaitResult): OpenMeowLaneUIState {
  if ("kind" in event && typeof event.terminal === "boolean") {
    return next(state, reduceOpenMeowRunState(state.composer, event as OpenMeowWaitResult));
  }
  const source = event as OpenMeowEventLike;
  const type = eventType(source);
  if (type === "assistant.delta") {
    // The hot path (most events): append to the run's draft, nothing else changes.
    const runId = eventRunId(source);
    const text = deltaText(eventData(source));
    if (runId && text) state.assistantDrafts[runId] = (state.assistantDrafts[runId] ?? "") + text;
    return next(state, state.composer);
  }
  const ui = mapOpenClawEventToOpenMeowUIEvent(source);
  const composer = type?.startsWith("run.") ? reduceOpenMeowRunState(state.composer, source) : state.composer;
  switch (ui.kind) {
    case "assistant_message":
      if (ui.runId) flushDraft(state, ui.runId, ui.text || undefined);
      else if (ui.text) state.messages.push({ id: `message:${state.messages.length}`, role: "assistant", text: ui.text, streaming: false });
      break;
    case "run_terminal":
      if (ui.runId) flushDraft(state, ui.runId);
      break;
    case "tool_activity":
      upsertTool(state, ui);
      break;
    case "approval_card":
      upsertApproval(state, ui);
      break;
    case "debug_event":
      state.debugEvents.push(ui);
      if (state.debugEvents.length > OPENMEOW_DEBUG_EVENT_LIMIT * 2) state.debugEvents.splice(0, OPENMEOW_DEBUG_EVENT_LIMIT);
      break;
    default:
      break;
  }
  return next(state, composer);
}
