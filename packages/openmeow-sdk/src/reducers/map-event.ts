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

function brief(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
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

export function eventSessionKey(event: OpenMeowEventLike): string | undefined {
  return str(event.sessionKey) ?? str(eventData(event).sessionKey);
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

/** The id a tool call keeps from start to completion. */
export function toolCallId(data: Data, runId: string | undefined, title: string): string {
  const call = data.call && typeof data.call === "object" ? (data.call as Data) : {};
  return first(data, ["toolCallId", "id", "callId", "toolUseId"]) ?? str(call.id) ?? `${runId ?? "run"}:tool:${title}`;
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
    const call = data.call && typeof data.call === "object" ? (data.call as Data) : {};
    const named = first(data, ["name", "toolName", "title"]) ?? str(call.name);
    const id = toolCallId(data, runId, named ?? "tool");
    // Deltas often carry only the call id; the title falls back to it and the reducer keeps the first name.
    const title = named ?? id;
    const detailSource = ["input", "args", "arguments", "summary", "delta", "output", "result"].find((k) => data[k] !== undefined);
    const detail = detailSource ? brief(data[detailSource]) : undefined;
    const activity = { kind: "tool_activity" as const, phase: type.slice("tool.call.".length), id, title };
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
