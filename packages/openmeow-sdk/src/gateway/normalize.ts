import { GatewayAgentEventPayloadSchema } from "@clawbridge/contracts/gateway";
import type { GatewayEvent, OpenClawEvent, OpenClawEventType } from "./types.js";

type Data = Record<string, unknown>;

const CANCEL_STATUSES = new Set(["aborted", "cancelled", "canceled", "killed"]);
const CANCEL_STOP_REASONS = new Set(["aborted", "cancelled", "canceled", "killed", "auth-revoked", "rpc", "user"]);
const TIMEOUT_PHASES = new Set(["preflight", "provider", "post_turn"]);
const TIMEOUT_WORDS = new Set(["timeout", "timed_out"]);

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Which terminal type a lifecycle `end` carries, checked in the gateway's order. */
export function lifecycleEndType(data: Data): OpenClawEventType {
  const status = text(data.status)?.toLowerCase();
  const stopReason = text(data.stopReason)?.toLowerCase();
  if (typeof data.timeoutPhase === "string" && TIMEOUT_PHASES.has(data.timeoutPhase)) return "run.timed_out";
  if (status && TIMEOUT_WORDS.has(status) && data.providerStarted === true) return "run.timed_out";
  if ((status && CANCEL_STATUSES.has(status)) || (stopReason && CANCEL_STOP_REASONS.has(stopReason))) return "run.cancelled";
  if (data.aborted === true && stopReason === "stop") return "run.cancelled";
  if ((status && TIMEOUT_WORDS.has(status)) || (stopReason && TIMEOUT_WORDS.has(stopReason)) || data.aborted === true) {
    return "run.timed_out";
  }
  return "run.completed";
}

function toolType(data: Data): OpenClawEventType {
  const phase = data.phase;
  const status = data.status;
  if (phase === "start" || status === "running") return "tool.call.started";
  if (phase === "delta" || phase === "update") return "tool.call.delta";
  if (status === "failed" || status === "blocked") return "tool.call.failed";
  if (phase === "end" || status === "completed") return "tool.call.completed";
  return "tool.call.delta";
}

function agentStreamType(stream: string, data: Data): OpenClawEventType {
  switch (stream) {
    case "lifecycle":
      if (data.phase === "start") return "run.started";
      if (data.phase === "end") return lifecycleEndType(data);
      if (data.phase === "error") return data.timeoutPhase || data.hardTimeout ? "run.timed_out" : "run.failed";
      return "raw";
    case "assistant":
      return data.delta === true || typeof data.delta === "string" ? "assistant.delta" : "assistant.message";
    case "thinking":
    case "plan":
      return "thinking.delta";
    case "tool":
    case "item":
    case "command_output":
      return toolType(data);
    case "approval":
      return data.phase === "resolved" ? "approval.resolved" : "approval.requested";
    case "patch":
      return "artifact.updated";
    case "error":
      return "run.failed";
    default:
      return "raw";
  }
}

function namedEventType(event: string, payload: Data): OpenClawEventType {
  switch (event) {
    case "exec.approval.requested":
    case "plugin.approval.requested":
      return "approval.requested";
    case "exec.approval.resolved":
    case "plugin.approval.resolved":
      return "approval.resolved";
    case "sessions.changed":
      return payload.reason === "create" ? "session.created" : payload.reason === "compact" ? "session.compacted" : "session.updated";
    case "session.message":
      return "assistant.message";
    case "session.tool":
      return "tool.call.delta";
    case "task.updated":
    case "tasks.changed":
      return "task.updated";
    default:
      return "raw";
  }
}

function eventId(frame: GatewayEvent, runId: string | undefined, sessionKey: string | undefined, ts: number): string {
  return [frame.seq ?? "local", frame.event, runId ?? "", sessionKey ?? "", ts].join(":");
}

/**
 * Normalizes one gateway event into the SDK event shape. An `agent` payload that does not match its
 * schema becomes a `raw` event rather than an error: the UI shows it in the debug list only.
 */
export function normalizeGatewayEvent(frame: GatewayEvent, now: () => number = Date.now): OpenClawEvent {
  const payload = (frame.payload && typeof frame.payload === "object" ? frame.payload : {}) as Data;
  const runId = text(payload.runId);
  const sessionKey = text(payload.sessionKey);
  const agentId = text(payload.agentId);
  const ts = typeof payload.ts === "number" ? payload.ts : now();
  let type: OpenClawEventType;
  let data: unknown = payload;
  if (frame.event === "agent") {
    const parsed = GatewayAgentEventPayloadSchema.safeParse(payload);
    type = parsed.success ? agentStreamType(parsed.data.stream, parsed.data.data) : "raw";
    if (parsed.success) data = parsed.data.data;
  } else {
    type = namedEventType(frame.event, payload);
    if (payload.data && typeof payload.data === "object") data = payload.data;
  }
  const event: OpenClawEvent = { version: 1, id: eventId(frame, runId, sessionKey, ts), ts, type, data, raw: frame };
  if (runId) event.runId = runId;
  if (sessionKey) event.sessionKey = sessionKey;
  if (agentId) event.agentId = agentId;
  if (typeof payload.sessionId === "string") event.sessionId = payload.sessionId;
  return event;
}
