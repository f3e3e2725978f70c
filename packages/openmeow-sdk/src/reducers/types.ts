export type OpenMeowTerminalStatus = "completed" | "cancelled" | "timed_out" | "failed";

export interface OpenMeowActiveRun {
  runId: string;
  sessionKey: string;
}

/** Upstream's name for a run and its lane's session. */
export type OpenMeowRunRef = OpenMeowActiveRun;

/** The send-or-stop composer of one lane. */
export interface OpenMeowRunState {
  mode: "idle" | "streaming" | "cancelling";
  activeRun: OpenMeowActiveRun | null;
  canSend: boolean;
  canStop: boolean;
  lastTerminalStatus: OpenMeowTerminalStatus | null;
  /** The last `wait` hit its deadline while the run was still live (not a runtime timeout). */
  waitDeadlineExpired: boolean;
}

export type OpenMeowWaitResult =
  | { kind: "wait_deadline"; terminal: false; runId?: string; status: "accepted"; raw: unknown }
  | { kind: "terminal"; terminal: true; runId?: string; status: OpenMeowTerminalStatus; raw: unknown }
  | { kind: "unknown"; terminal: false; runId?: string; status: string; raw: unknown };

export type OpenMeowUIEvent =
  | { kind: "run_created"; runId?: string; sessionKey?: string }
  | { kind: "run_active"; runId?: string; sessionKey?: string }
  | { kind: "assistant_delta"; runId?: string; text: string }
  | { kind: "assistant_message"; runId?: string; text: string }
  | { kind: "thinking_delta"; runId?: string; text: string }
  | { kind: "tool_activity"; phase: string; runId?: string; title: string; detail?: unknown }
  | { kind: "approval_card"; phase: "requested" | "resolved"; runId?: string; approvalId?: string; title: string; decision?: string }
  | { kind: "run_terminal"; runId?: string; status: OpenMeowTerminalStatus }
  | { kind: "debug_event"; type?: string; runId?: string; raw: unknown };

export interface OpenMeowMessage {
  id: string;
  role: "assistant";
  runId?: string;
  text: string;
  streaming: boolean;
}

export interface OpenMeowToolActivity {
  id: string;
  runId?: string;
  title: string;
  phase: string;
  /** What the call was started with (its input, arguments or summary), as sent: later events never replace it. */
  detail?: unknown;
  /** The text the call streamed so far (deltas, string outputs), newest last, capped at its last 2,000 characters. */
  preview?: string;
}

export interface OpenMeowApprovalCard {
  id: string;
  runId?: string;
  title: string;
  status: "requested" | "resolved";
}

/**
 * The UI state of one lane. The reducer owns it: collections are updated in place (constant work
 * per event) and every call returns a new top-level object, so `prev !== next` still signals a change.
 */
export interface OpenMeowLaneUIState {
  sessionKey?: string;
  composer: OpenMeowRunState;
  messages: OpenMeowMessage[];
  /**
   * Streaming text by run id. A plain object, as upstream's, but written and read as own properties
   * only (see `drafts.ts`), so a run id like `__proto__` or `constructor` is just a key.
   */
  assistantDrafts: Record<string, string>;
  toolActivities: OpenMeowToolActivity[];
  approvals: OpenMeowApprovalCard[];
  /** Events the UI has no card for, newest last; trimmed in batches to the last `OPENMEOW_DEBUG_EVENT_LIMIT`. */
  debugEvents: OpenMeowUIEvent[];
  /** Counts reduced events; bumps on every change. */
  revision: number;
  /** Row positions by id, so upserts are O(1). */
  rowIndex: { tools: Map<string, number>; approvals: Map<string, number> };
  /** The decision each resolved approval carried, by approval id (upstream's approval rows have no field for it). */
  approvalDecisions: Map<string, string>;
}

/** The loose event shape the reducers accept: an SDK event or a raw gateway-ish record. */
export interface OpenMeowEventLike {
  type?: string;
  event?: string;
  runId?: string;
  sessionKey?: string;
  data?: unknown;
  payload?: unknown;
}
