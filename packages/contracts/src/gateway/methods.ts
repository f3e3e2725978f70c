import * as z from "zod";

const JsonObjectSchema = z.record(z.string(), z.unknown());

export const GatewayAgentSummarySchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  identity: z.unknown().optional(),
});
export const GatewayAgentsListResultSchema = z.looseObject({
  defaultId: z.string().optional(),
  mainKey: z.string().optional(),
  scope: z.string().optional(),
  agents: z.array(GatewayAgentSummarySchema),
});
export type GatewayAgentsListResult = z.infer<typeof GatewayAgentsListResultSchema>;

export const GatewayAgentIdentityParamsSchema = z.object({ agentId: z.string().min(1), sessionKey: z.string().optional() });
export const GatewayAgentIdentitySchema = z.looseObject({
  agentId: z.string(),
  name: z.string().optional(),
  avatar: z.string().optional(),
  emoji: z.string().optional(),
});
export type GatewayAgentIdentity = z.infer<typeof GatewayAgentIdentitySchema>;

export const GatewaySessionsCreateParamsSchema = z.looseObject({
  key: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  label: z.string().optional(),
  model: z.string().optional(),
  parentSessionKey: z.string().optional(),
  task: z.string().optional(),
  message: z.string().optional(),
});
export type GatewaySessionsCreateParams = z.infer<typeof GatewaySessionsCreateParamsSchema>;
export const GatewaySessionsCreateResultSchema = z.looseObject({
  ok: z.boolean().optional(),
  key: z.string().min(1),
  sessionId: z.string().optional(),
  runStarted: z.boolean().optional(),
  runId: z.string().optional(),
});
export type GatewaySessionsCreateResult = z.infer<typeof GatewaySessionsCreateResultSchema>;

export const GatewaySessionsSendParamsSchema = z.looseObject({
  key: z.string().min(1),
  message: z.string(),
  agentId: z.string().optional(),
  thinking: z.string().optional(),
  timeoutMs: z.number().int().nonnegative().optional(),
  idempotencyKey: z.string().optional(),
});
export type GatewaySessionsSendParams = z.infer<typeof GatewaySessionsSendParamsSchema>;

export const GatewayChatSendParamsSchema = z.looseObject({
  sessionKey: z.string().min(1),
  message: z.string(),
  idempotencyKey: z.string().min(1),
  agentId: z.string().optional(),
  timeoutMs: z.number().int().nonnegative().optional(),
});
export type GatewayChatSendParams = z.infer<typeof GatewayChatSendParamsSchema>;

/** The ack of `sessions.send` / `chat.send`: the run is admitted, events follow. */
export const GatewayRunAckSchema = z.looseObject({
  runId: z.string().min(1),
  status: z.string().optional(),
  sessionKey: z.string().optional(),
  messageSeq: z.number().optional(),
});
export type GatewayRunAck = z.infer<typeof GatewayRunAckSchema>;

export const GatewayAgentWaitParamsSchema = z.object({
  runId: z.string().min(1),
  timeoutMs: z.number().int().nonnegative().optional(),
});
export type GatewayAgentWaitParams = z.infer<typeof GatewayAgentWaitParamsSchema>;
/**
 * `agent.wait`: a bare `{runId, status:"timeout"}` is the wait deadline (run still live); a terminal
 * run carries `endedAt` and, for a runtime timeout, `stopReason`/`error`.
 */
export const GatewayAgentWaitResultSchema = z.looseObject({
  runId: z.string().optional(),
  status: z.string(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  error: z.unknown().optional(),
  stopReason: z.string().optional(),
  aborted: z.boolean().optional(),
  timeoutPhase: z.string().optional(),
  providerStarted: z.boolean().optional(),
});
export type GatewayAgentWaitResult = z.infer<typeof GatewayAgentWaitResultSchema>;

export const GatewaySessionsAbortParamsSchema = z.object({
  key: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
});
export type GatewaySessionsAbortParams = z.infer<typeof GatewaySessionsAbortParamsSchema>;
export const GatewaySessionsAbortResultSchema = z.looseObject({
  ok: z.boolean(),
  abortedRunId: z.string().nullable().optional(),
  status: z.string().optional(),
  aborted: z.boolean().optional(),
  runIds: z.array(z.string()).optional(),
});
export type GatewaySessionsAbortResult = z.infer<typeof GatewaySessionsAbortResultSchema>;

export const GatewayToolsEffectiveParamsSchema = z.object({ sessionKey: z.string().min(1), agentId: z.string().optional() });
export const GatewayToolEntrySchema = z.looseObject({
  id: z.string(),
  label: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  pluginId: z.string().optional(),
});
export const GatewayToolGroupSchema = z.looseObject({
  id: z.string(),
  label: z.string().optional(),
  source: z.string().optional(),
  pluginId: z.string().optional(),
  tools: z.array(GatewayToolEntrySchema),
});
export const GatewayToolsEffectiveResultSchema = z.looseObject({
  agentId: z.string(),
  profile: z.string().optional(),
  groups: z.array(GatewayToolGroupSchema),
});
export type GatewayToolsEffectiveResult = z.infer<typeof GatewayToolsEffectiveResultSchema>;
export const GatewayToolsCatalogParamsSchema = z.object({ agentId: z.string().optional(), includePlugins: z.boolean().optional() });
export const GatewayToolsCatalogResultSchema = z.looseObject({
  agentId: z.string().optional(),
  profiles: z.array(z.unknown()).optional(),
  groups: z.array(GatewayToolGroupSchema),
});
export type GatewayToolsCatalogResult = z.infer<typeof GatewayToolsCatalogResultSchema>;

export const GatewayToolsInvokeParamsSchema = z.object({
  name: z.string().min(1),
  args: JsonObjectSchema.optional(),
  sessionKey: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  confirm: z.boolean().optional(),
  idempotencyKey: z.string().optional(),
  conversationReadOrigin: z.literal("direct-operator").optional(),
});
export type GatewayToolsInvokeParams = z.infer<typeof GatewayToolsInvokeParamsSchema>;
export const GatewayToolsInvokeResultSchema = z.looseObject({
  ok: z.boolean(),
  toolName: z.string(),
  output: z.unknown().optional(),
  requiresApproval: z.boolean().optional(),
  approvalId: z.string().optional(),
  source: z.string().optional(),
  error: z.looseObject({ code: z.string().optional(), message: z.string(), details: z.unknown().optional() }).optional(),
});
export type GatewayToolsInvokeResult = z.infer<typeof GatewayToolsInvokeResultSchema>;

export const GatewayApprovalDecisionSchema = z.enum(["allow-once", "allow-always", "deny"]);
export type GatewayApprovalDecision = z.infer<typeof GatewayApprovalDecisionSchema>;
export const GatewayApprovalResolveParamsSchema = z.object({ id: z.string().min(1), decision: GatewayApprovalDecisionSchema });
export type GatewayApprovalResolveParams = z.infer<typeof GatewayApprovalResolveParamsSchema>;
