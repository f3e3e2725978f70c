import * as z from "zod";

/** The Gateway WebSocket protocol version clawbridge speaks (`@openclaw/gateway-protocol` PROTOCOL_VERSION). */
export const GATEWAY_PROTOCOL_VERSION = 4;

/** Frames before `connect` completes are capped at 64 KiB by the gateway. */
export const GATEWAY_PRECONNECT_FRAME_LIMIT_BYTES = 64 * 1024;

export const GatewayRequestFrameSchema = z.object({
  type: z.literal("req"),
  id: z.string().min(1).max(256),
  method: z.string().min(1).max(256),
  params: z.unknown().optional(),
  traceparent: z.string().max(128).optional(),
  expectedProfileId: z.string().optional(),
});
export type GatewayRequestFrame = z.infer<typeof GatewayRequestFrameSchema>;

export const GatewayErrorShapeSchema = z.looseObject({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
  retryable: z.boolean().optional(),
  retryAfterMs: z.number().optional(),
});
export type GatewayErrorShape = z.infer<typeof GatewayErrorShapeSchema>;

export const GatewayResponseFrameSchema = z.object({
  type: z.literal("res"),
  id: z.string(),
  ok: z.boolean(),
  payload: z.unknown().optional(),
  error: GatewayErrorShapeSchema.optional(),
});
export type GatewayResponseFrame = z.infer<typeof GatewayResponseFrameSchema>;

export const GatewayEventFrameSchema = z.object({
  type: z.literal("event"),
  event: z.string().min(1),
  payload: z.unknown().optional(),
  seq: z.number().int().optional(),
  stateVersion: z.looseObject({ presence: z.number().int(), health: z.number().int() }).optional(),
  recipientProfileId: z.string().optional(),
});
export type GatewayEventFrame = z.infer<typeof GatewayEventFrameSchema>;

/** Any frame a client may receive. */
export const GatewayInboundFrameSchema = z.discriminatedUnion("type", [GatewayResponseFrameSchema, GatewayEventFrameSchema]);
export type GatewayInboundFrame = z.infer<typeof GatewayInboundFrameSchema>;

/** Error codes the gateway answers with. */
export const GatewayErrorCodeSchema = z.enum([
  "INVALID_REQUEST",
  "UNAVAILABLE",
  "FORBIDDEN",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "UNKNOWN_METHOD",
]);
export type GatewayErrorCode = z.infer<typeof GatewayErrorCodeSchema>;
