import * as z from "zod";

/** Payload of the gateway `agent` event: one step of a run on one stream. */
export const GatewayAgentEventPayloadSchema = z.looseObject({
  runId: z.string(),
  seq: z.number().int(),
  stream: z.string(),
  ts: z.number(),
  data: z.record(z.string(), z.unknown()),
  sessionKey: z.string().optional(),
  agentId: z.string().optional(),
});
export type GatewayAgentEventPayload = z.infer<typeof GatewayAgentEventPayloadSchema>;

/** Payload of the gateway `chat` event (v4: deltas carry `deltaText`). */
export const GatewayChatEventPayloadSchema = z.looseObject({
  runId: z.string(),
  sessionKey: z.string(),
  seq: z.number().int().optional(),
  state: z.enum(["status", "delta", "final", "error", "aborted"]),
  deltaText: z.string().optional(),
  message: z.unknown().optional(),
  stopReason: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type GatewayChatEventPayload = z.infer<typeof GatewayChatEventPayloadSchema>;

export const GatewayApprovalRequestedPayloadSchema = z.looseObject({
  id: z.string(),
  runId: z.string().optional(),
  sessionKey: z.string().optional(),
  commandText: z.string().optional(),
  expiresAtMs: z.number().optional(),
});
export const GatewayApprovalResolvedPayloadSchema = z.looseObject({
  id: z.string(),
  runId: z.string().optional(),
  decision: z.string(),
});
