import { readDraft, takeDraft, writeDraft } from "./drafts.js";
import {
  deltaText,
  eventData,
  eventRunId,
  eventType,
  mapOpenClawEventToOpenMeowUIEvent,
  toolCallId,
  toolPreviewText,
} from "./map-event.js";
import { initialOpenMeowRunState, reduceOpenMeowRunState } from "./run-state.js";
import type {
  OpenMeowApprovalCard,
  OpenMeowEventLike,
  OpenMeowLaneUIState,
  OpenMeowToolActivity,
  OpenMeowUIEvent,
  OpenMeowWaitResult,
} from "./types.js";

export const OPENMEOW_DEBUG_EVENT_LIMIT = 200;
const PREVIEW_LIMIT = 2_000;

/** Runs and rows without an id are filed under this one, as upstream does. */
const UNKNOWN_RUN = "unknown";

/** A lane with nothing in it; `sessionKey` names the lane's session when known. */
export function initialOpenMeowUIState(options: { sessionKey?: string } = {}): OpenMeowLaneUIState {
  const state: OpenMeowLaneUIState = {
    composer: initialOpenMeowRunState(),
    messages: [],
    assistantDrafts: {},
    toolActivities: [],
    approvals: [],
    debugEvents: [],
    revision: 0,
    rowIndex: { tools: new Map(), approvals: new Map() },
    approvalDecisions: new Map(),
  };
  if (typeof options.sessionKey === "string") state.sessionKey = options.sessionKey;
  return state;
}

function pushMessage(state: OpenMeowLaneUIState, runId: string, text: string): void {
  state.messages.push({ id: `assistant:${runId}:${state.messages.length}`, role: "assistant", runId, text, streaming: false });
}

function upsertTool(
  state: OpenMeowLaneUIState,
  ui: Extract<OpenMeowUIEvent, { kind: "tool_activity" }>,
  data: Record<string, unknown>,
): void {
  const runId = ui.runId ?? UNKNOWN_RUN;
  const id = toolCallId(data) ?? (ui.runId ? `${runId}:tool:${ui.title}` : `${runId}:tool:${state.toolActivities.length}`);
  const at = state.rowIndex.tools.get(id);
  const previous = at === undefined ? undefined : state.toolActivities[at];
  // The first event names the call and carries its input; later ones only advance the phase and the preview.
  const detail = previous?.detail ?? ui.detail;
  const preview = `${previous?.preview ?? ""}${toolPreviewText(data)}`.slice(-PREVIEW_LIMIT);
  const row: OpenMeowToolActivity = { id, runId: previous?.runId ?? ui.runId, title: previous?.title ?? ui.title, phase: ui.phase };
  if (row.runId === undefined) delete row.runId;
  if (detail !== undefined) row.detail = detail;
  if (preview !== "") row.preview = preview;
  if (previous && at !== undefined) state.toolActivities[at] = row;
  else {
    state.rowIndex.tools.set(id, state.toolActivities.length);
    state.toolActivities.push(row);
  }
}

function upsertApproval(state: OpenMeowLaneUIState, ui: Extract<OpenMeowUIEvent, { kind: "approval_card" }>): void {
  const id = ui.approvalId ?? `${ui.runId ?? UNKNOWN_RUN}:approval:${state.approvals.length}`;
  const at = state.rowIndex.approvals.get(id);
  const previous = at === undefined ? undefined : state.approvals[at];
  const row: OpenMeowApprovalCard = { id, title: previous && ui.phase === "resolved" ? previous.title : ui.title, status: ui.phase };
  if (ui.runId) row.runId = ui.runId;
  if (ui.decision) state.approvalDecisions.set(id, ui.decision);
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
    approvalDecisions: state.approvalDecisions,
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
export function reduceOpenMeowUIState(
  current: OpenMeowLaneUIState | undefined,
  event: OpenMeowEventLike | OpenMeowWaitResult,
): OpenMeowLaneUIState {
  const state = current ?? initialOpenMeowUIState();
  if ("kind" in event && typeof event.terminal === "boolean") {
    return next(state, reduceOpenMeowRunState(state.composer, event as OpenMeowWaitResult));
  }
  const source = event as OpenMeowEventLike;
  const type = eventType(source);
  if (type === "assistant.delta") {
    // The hot path (most events): append to the run's draft, nothing else changes.
    const runId = eventRunId(source) ?? UNKNOWN_RUN;
    const text = deltaText(eventData(source));
    if (text) writeDraft(state.assistantDrafts, runId, (readDraft(state.assistantDrafts, runId) ?? "") + text);
    return next(state, state.composer);
  }
  const ui = mapOpenClawEventToOpenMeowUIEvent(source);
  const composer = type?.startsWith("run.") ? reduceOpenMeowRunState(state.composer, source) : state.composer;
  switch (ui.kind) {
    case "assistant_message": {
      // The final text wins over the streamed draft; an empty message falls back to the draft.
      const runId = ui.runId ?? UNKNOWN_RUN;
      const draft = takeDraft(state.assistantDrafts, runId);
      const text = ui.text || draft;
      if (text) pushMessage(state, runId, text);
      break;
    }
    case "run_terminal": {
      // A run that ends without a final message keeps what it streamed.
      const runId = ui.runId ?? UNKNOWN_RUN;
      const draft = takeDraft(state.assistantDrafts, runId);
      if (draft) pushMessage(state, runId, draft);
      break;
    }
    case "tool_activity":
      upsertTool(state, ui, eventData(source));
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
