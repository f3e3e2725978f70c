import { z } from "zod";

export const RomeAgentTokenUsageSchema = z.object({
  cacheReadTokens: z.number(),
  cacheWriteTokens: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
});
export type RomeAgentTokenUsage = z.infer<typeof RomeAgentTokenUsageSchema>;

/** How full the model's context window was at the end of the block. */
export const RomeAgentContextUsageSchema = z.object({
  usedTokens: z.number(),
  windowTokens: z.number().optional(),
  remainingTokens: z.number().optional(),
});
export type RomeAgentContextUsage = z.infer<typeof RomeAgentContextUsageSchema>;

/** Provider-reported usage of the agent that produced a terminal block. */
export const RomeAgentAccountingSchema = z.object({
  provider: z.string(),
  model: z.string(),
  usage: RomeAgentTokenUsageSchema,
  context: RomeAgentContextUsageSchema.optional(),
  costUsd: z.number().optional(),
  numTurns: z.number().int().optional(),
  stopReason: z.string().optional(),
  durationMs: z.number().optional(),
  /** The provider's own usage object, untouched. */
  rawUsage: z.record(z.string(), z.unknown()).optional(),
});
export type RomeAgentAccounting = z.infer<typeof RomeAgentAccountingSchema>;

/** The first event of a turn's stream. */
export const RomeTurnStartMessageSchema = z.object({
  type: z.literal("turn_start"),
  turnId: z.string(),
  sessionId: z.string(),
  userPrompt: z.string(),
});
export type RomeTurnStartMessage = z.infer<typeof RomeTurnStartMessageSchema>;

/** The last event of a turn's stream, after the terminal `result`/`error`; `interrupted` wins over `error`. */
export const RomeTurnEndMessageSchema = z.object({
  type: z.literal("turn_end"),
  turnId: z.string(),
  status: z.enum(["completed", "interrupted", "error"]),
  durationMs: z.number().nonnegative(),
});
export type RomeTurnEndMessage = z.infer<typeof RomeTurnEndMessageSchema>;

export const RomeTextMessageSchema = z.object({ type: z.literal("text"), content: z.string() });
export type RomeTextMessage = z.infer<typeof RomeTextMessageSchema>;

/** A transient preview of an in-flight `text` block; the whole block still follows. */
export const RomeTextDeltaMessageSchema = z.object({ type: z.literal("text_delta"), content: z.string() });
export type RomeTextDeltaMessage = z.infer<typeof RomeTextDeltaMessageSchema>;

export const RomeThinkingMessageSchema = z.object({ type: z.literal("thinking"), content: z.string() });
export type RomeThinkingMessage = z.infer<typeof RomeThinkingMessageSchema>;

export const RomeToolUseMessageSchema = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  tool: z.string(),
  input: z.unknown(),
  startedAt: z.string().optional(),
});
export type RomeToolUseMessage = z.infer<typeof RomeToolUseMessageSchema>;

export const RomeToolResultMessageSchema = z.object({
  type: z.literal("tool_result"),
  toolUseId: z.string(),
  tool: z.string(),
  output: z.unknown(),
  endedAt: z.string().optional(),
});
export type RomeToolResultMessage = z.infer<typeof RomeToolResultMessageSchema>;

/** Terminal block: the agent's final answer for its turn. */
export const RomeResultMessageSchema = z.object({
  type: z.literal("result"),
  content: z.string(),
  accounting: RomeAgentAccountingSchema.optional(),
});
export type RomeResultMessage = z.infer<typeof RomeResultMessageSchema>;

/** Terminal block: the turn failed; `turn_end` still follows. */
export const RomeErrorMessageSchema = z.object({
  type: z.literal("error"),
  error: z.string(),
  accounting: RomeAgentAccountingSchema.optional(),
});
export type RomeErrorMessage = z.infer<typeof RomeErrorMessageSchema>;

export const RomeSessionInitMessageSchema = z.object({
  type: z.literal("session_init"),
  sessionId: z.string(),
  systemPrompt: z.string().optional(),
  userPrompt: z.string().optional(),
  projectPath: z.string().optional(),
  turnId: z.string().optional(),
});
export type RomeSessionInitMessage = z.infer<typeof RomeSessionInitMessageSchema>;

/** A payload submitted through the agent's output schema, emitted only once it was validated. */
export const RomeStructuredOutputMessageSchema = z.object({ type: z.literal("structured_output"), payload: z.unknown() });
export type RomeStructuredOutputMessage = z.infer<typeof RomeStructuredOutputMessageSchema>;

// The four variants below come from app-runtime 0.6.6; a stream from a 0.3.0 host never carries them.

/** Where a queued user input stands relative to the agent's turns. */
export const RomeAgentInputStateSchema = z.enum(["queued", "submitted", "accepted", "consumed", "unknown", "cancelled", "failed"]);
export type RomeAgentInputState = z.infer<typeof RomeAgentInputStateSchema>;

export const RomeInputStatusMessageSchema = z.object({
  type: z.literal("input_status"),
  inputId: z.string(),
  state: RomeAgentInputStateSchema,
  turnId: z.string().optional(),
});
export type RomeInputStatusMessage = z.infer<typeof RomeInputStatusMessageSchema>;

/** A sub-agent began, called through the tool use `toolUseId`, in its own session and turn. */
export const RomeSubagentStartMessageSchema = z.object({
  type: z.literal("subagent_start"),
  toolUseId: z.string(),
  agentName: z.string(),
  input: z.unknown(),
  sessionId: z.string(),
  turnId: z.string(),
  startedAt: z.string().optional(),
});
export type RomeSubagentStartMessage = z.infer<typeof RomeSubagentStartMessageSchema>;

const subagentResultBase = {
  type: z.literal("subagent_result"),
  toolUseId: z.string(),
  agentName: z.string(),
  sessionId: z.string(),
  turnId: z.string(),
  endedAt: z.string().optional(),
};

/** How a sub-agent ended: its output when it completed, an error when it failed or was cancelled. */
export const RomeSubagentResultMessageSchema = z.discriminatedUnion("status", [
  z.object({ ...subagentResultBase, status: z.literal("completed"), output: z.unknown() }),
  z.object({
    ...subagentResultBase,
    status: z.enum(["failed", "cancelled"]),
    error: z.object({ message: z.string(), code: z.string().optional() }),
  }),
]);
export type RomeSubagentResultMessage = z.infer<typeof RomeSubagentResultMessageSchema>;

export const RomeAgentPlanStepSchema = z.object({
  id: z.string().optional(),
  text: z.string(),
  activeText: z.string().optional(),
  status: z.enum(["pending", "in_progress", "completed"]),
});
export type RomeAgentPlanStep = z.infer<typeof RomeAgentPlanStepSchema>;

export const RomeAgentPlanSchema = z.object({ explanation: z.string().optional(), steps: z.array(RomeAgentPlanStepSchema) });
export type RomeAgentPlan = z.infer<typeof RomeAgentPlanSchema>;

/** The whole current plan the provider wrote, replacing the previous one. */
export const RomePlanUpdateMessageSchema = z.object({ type: z.literal("plan_update"), plan: RomeAgentPlanSchema });
export type RomePlanUpdateMessage = z.infer<typeof RomePlanUpdateMessageSchema>;

/** One event of an agent run, discriminated on `type`: 0.3.0's eleven and 0.6.6's four. */
export const RomeAgentMessageSchema = z.discriminatedUnion("type", [
  RomeInputStatusMessageSchema,
  RomeSubagentStartMessageSchema,
  RomeSubagentResultMessageSchema,
  RomePlanUpdateMessageSchema,
  RomeTurnStartMessageSchema,
  RomeTurnEndMessageSchema,
  RomeTextMessageSchema,
  RomeTextDeltaMessageSchema,
  RomeThinkingMessageSchema,
  RomeToolUseMessageSchema,
  RomeToolResultMessageSchema,
  RomeResultMessageSchema,
  RomeErrorMessageSchema,
  RomeSessionInitMessageSchema,
  RomeStructuredOutputMessageSchema,
]);
export type RomeAgentMessage = z.infer<typeof RomeAgentMessageSchema>;
export type RomeAgentMessageType = RomeAgentMessage["type"];

/** An agent message as streamed, tagged with the agent that produced it. */
export const RomeStreamAgentMessageSchema = z.intersection(RomeAgentMessageSchema, z.object({ agent: z.string().optional() }));
export type RomeStreamAgentMessage = RomeAgentMessage & { agent?: string };
