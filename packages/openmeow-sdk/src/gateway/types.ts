/** A gateway event as it arrives on the wire (the `event` frame without its `type`). */
export interface GatewayEvent {
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: unknown;
}

export type OpenClawEventType =
  | "run.created"
  | "run.queued"
  | "run.started"
  | "run.completed"
  | "run.failed"
  | "run.cancelled"
  | "run.timed_out"
  | "assistant.delta"
  | "assistant.message"
  | "thinking.delta"
  | "tool.call.started"
  | "tool.call.delta"
  | "tool.call.completed"
  | "tool.call.failed"
  | "approval.requested"
  | "approval.resolved"
  | "question.requested"
  | "question.answered"
  | "artifact.created"
  | "artifact.updated"
  | "session.created"
  | "session.updated"
  | "session.compacted"
  | "task.updated"
  | "raw";

/** A normalized SDK event (version 1 of the OpenClaw SDK event shape). */
export interface OpenClawEvent<TData = unknown> {
  version: 1;
  id: string;
  ts: number;
  type: OpenClawEventType;
  runId?: string;
  sessionId?: string;
  sessionKey?: string;
  agentId?: string;
  data: TData;
  /** The original frame; absent on events the client synthesizes. */
  raw?: GatewayEvent;
}

export const TERMINAL_EVENT_TYPES: ReadonlySet<OpenClawEventType> = new Set([
  "run.completed",
  "run.failed",
  "run.cancelled",
  "run.timed_out",
]);

export type RunStatus = "accepted" | "completed" | "failed" | "cancelled" | "timed_out";

export interface SDKError {
  code?: string;
  message: string;
  details?: unknown;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  sessionKey?: string;
  startedAt?: number;
  endedAt?: number;
  error?: SDKError;
  raw: unknown;
}

export interface ToolInvokeParams {
  args?: Record<string, unknown>;
  sessionKey?: string;
  agentId?: string;
  confirm?: boolean;
  idempotencyKey?: string;
}

export interface ToolInvokeResult {
  ok: boolean;
  toolName: string;
  output?: unknown;
  requiresApproval?: boolean;
  approvalId?: string;
  source?: string;
  error?: SDKError;
}
