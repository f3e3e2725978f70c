import type { OpenMeowEventLike, OpenMeowTerminalStatus, OpenMeowUIEvent } from "./types.js";

type Data = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function first(data: Data, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = str(data[key]);
    if (value) return value;
  }
  return undefined;
}

const TEXT_KEYS = ["delta", "text", "content", "message"] as const;

/** The text an assistant/thinking event carries. */
export function deltaText(data: Data): string {
  return first(data, TEXT_KEYS) ?? "";
}

export function eventType(event: OpenMeowEventLike): string | undefined {
  return str(event.type) ?? str(event.event);
}

export function eventData(event: OpenMeowEventLike): Data {
  const data = event.data ?? event.payload ?? event;
  return data && typeof data === "object" ? (data as Data) : {};
}

export function eventRunId(event: OpenMeowEventLike): string | undefined {
  return str(event.runId) ?? str(eventData(event).runId);
}

/** The lane's session key; a payload's `key` counts too, as the SDK's session objects name it. */
export function eventSessionKey(event: OpenMeowEventLike): string | undefined {
  const data = eventData(event);
  return str(event.sessionKey) ?? str(data.sessionKey) ?? str(data.key);
}

const TERMINAL: Record<string, OpenMeowTerminalStatus> = {
  "run.completed": "completed",
  "run.cancelled": "cancelled",
  "run.timed_out": "timed_out",
  "run.failed": "failed",
};

export function terminalStatusOf(type: string | undefined): OpenMeowTerminalStatus | undefined {
  return type ? TERMINAL[type] : undefined;
}

function callOf(data: Data): Data {
  return data.call && typeof data.call === "object" ? (data.call as Data) : {};
}

/** The tool's name as upstream picks it (a bare call id counts as one); the reducer keeps a row's first. */
export function toolTitle(data: Data): string {
  return first(data, ["name", "toolName", "title", "id"]) ?? str(callOf(data).name) ?? "tool";
}

/** The id a tool call keeps from start to completion; without one, the tool's name within its run. */
export function toolCallId(data: Data): string | undefined {
  return first(data, ["id", "toolCallId", "callId", "toolUseId"]) ?? str(callOf(data).id);
}

/** What a call was started with, kept as sent (an object stays an object). */
function toolDetail(data: Data): unknown {
  for (const key of ["input", "args", "arguments", "summary", "delta", "output"]) {
    if (data[key] !== undefined && data[key] !== null) return data[key];
  }
  return undefined;
}

/** The text a tool event adds to the call's preview: streamed output (`delta`, or `text` as fixtures send it). */
export function toolPreviewText(data: Data): string {
  for (const key of ["delta", "preview", "output", "text", "content"]) {
    if (typeof data[key] === "string") return data[key] as string;
  }
  return "";
}

function withRun<T extends object>(value: T, runId: string | undefined): T & { runId?: string } {
  return runId ? { ...value, runId } : value;
}

/** Maps one SDK event to the compact event the OpenMeow UI renders. Pure. */
export function mapOpenClawEventToOpenMeowUIEvent(event: OpenMeowEventLike): OpenMeowUIEvent {
  const type = eventType(event);
  const data = eventData(event);
  const runId = eventRunId(event);
  const sessionKey = eventSessionKey(event);
  const terminal = terminalStatusOf(type);
  if (terminal) return withRun({ kind: "run_terminal", status: terminal }, runId);
  switch (type) {
    case "run.created":
    case "run.started": {
      const base = { kind: type === "run.created" ? ("run_created" as const) : ("run_active" as const) };
      return withRun(sessionKey ? { ...base, sessionKey } : base, runId);
    }
    case "assistant.delta":
    case "assistant.message":
    case "thinking.delta": {
      const text = deltaText(data);
      const kind = type === "assistant.delta" ? "assistant_delta" : type === "assistant.message" ? "assistant_message" : "thinking_delta";
      return withRun({ kind, text } as OpenMeowUIEvent & { text: string }, runId);
    }
    default:
      break;
  }
  if (type?.startsWith("tool.call.")) {
    const detail = toolDetail(data);
    const activity = { kind: "tool_activity" as const, phase: type.slice("tool.call.".length), title: toolTitle(data) };
    return withRun(detail !== undefined ? { ...activity, detail } : activity, runId);
  }
  if (type === "approval.requested" || type === "approval.resolved") {
    const approvalId = first(data, ["approvalId", "id", "requestId"]);
    const title = first(data, ["commandText", "commandPreview", "summary", "title", "message"]) ?? "Approval requested";
    const card: OpenMeowUIEvent = {
      kind: "approval_card",
      phase: type === "approval.requested" ? "requested" : "resolved",
      title,
      ...(approvalId ? { approvalId } : {}),
      ...(str(data.decision) ? { decision: str(data.decision) } : {}),
    };
    return withRun(card, runId);
  }
  return withRun({ kind: "debug_event", ...(type ? { type } : {}), raw: event }, runId);
}
