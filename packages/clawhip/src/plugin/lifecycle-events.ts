import type { IncomingEvent } from "../normalize/incoming.js";
import type { JsonRecord } from "../normalize/json.js";

/** What OpenClaw's hooks tell about the run: the agent (already resolved) and the session. */
export interface LifecycleContext {
  agentId: string | undefined;
  sessionKey: string | undefined;
  sessionId: string | undefined;
}

function sessionFields(ctx: LifecycleContext): JsonRecord {
  const fields: JsonRecord = { tool: "openclaw", source: "openclaw" };
  if (ctx.agentId) {
    fields.agent_name = ctx.agentId;
    fields.agent_id = ctx.agentId;
  }
  if (ctx.sessionKey) {
    fields.session_key = ctx.sessionKey;
    fields.session_name = ctx.sessionKey;
  }
  if (ctx.sessionId) fields.session_id = ctx.sessionId;
  return fields;
}

/**
 * The start of an OpenClaw agent run (its first `model_call_started`) → `session.started`. OpenClaw's
 * `session_start` hook is not used: it fires only when a channel message opens a new session, never
 * for runs on an existing session (a Control UI or OpenMeow lane), and `agent_end` reports every run.
 * The run id makes the event id, so the run's later model calls add nothing.
 */
export function runStartedEvent(ctx: LifecycleContext, runId: string): IncomingEvent {
  const payload = sessionFields(ctx);
  payload.run_id = runId;
  payload.event_id = `openclaw-run:${runId}:start`;
  return { kind: "session.started", payload };
}

export interface AgentEndOutcome {
  success: boolean;
  error?: string;
  durationMs?: number;
  runId?: string;
}

/**
 * OpenClaw `agent_end` → `session.finished` or `session.failed`. The run id makes the event id, so a
 * hook fired twice for one run is delivered once.
 */
export function agentEndEvent(ctx: LifecycleContext, outcome: AgentEndOutcome): IncomingEvent {
  const payload = sessionFields(ctx);
  if (outcome.durationMs !== undefined && Number.isFinite(outcome.durationMs) && outcome.durationMs >= 0) {
    payload.elapsed_secs = Math.round(outcome.durationMs / 1000);
  }
  if (outcome.runId) {
    payload.run_id = outcome.runId;
    payload.event_id = `openclaw-run:${outcome.runId}:end`;
  }
  if (!outcome.success) payload.error_message = outcome.error?.trim() || "agent run failed";
  return { kind: outcome.success ? "session.finished" : "session.failed", payload };
}
