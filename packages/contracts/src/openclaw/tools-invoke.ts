import * as z from "zod";
import { ToolResultSchema } from "./tool-result.js";

/** Body limit of `POST /tools/invoke` on an OpenClaw gateway (2 MB). */
export const TOOLS_INVOKE_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Request body of `POST /tools/invoke`. `name` may replace `tool` and wins when both are sent.
 * The gateway is lenient about the rest: a non-object `args` is treated as no arguments.
 */
export const ToolsInvokeRequestSchema = z.object({
  tool: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  args: z.unknown().optional(),
  action: z.string().optional(),
  sessionKey: z.string().min(1).optional(),
  agentId: z.string().min(1).optional(),
  idempotencyKey: z.string().optional(),
  dryRun: z.boolean().optional(),
});
export type ToolsInvokeRequest = z.infer<typeof ToolsInvokeRequestSchema>;

/** Error types the gateway uses in `/tools/invoke` error bodies. */
export const ToolsInvokeErrorTypeSchema = z.enum([
  "invalid_request",
  "invalid_request_error",
  "unauthorized",
  "forbidden",
  "not_found",
  "tool_error",
  "internal_error",
]);
export type ToolsInvokeErrorType = z.infer<typeof ToolsInvokeErrorTypeSchema>;

export const ToolsInvokeErrorSchema = z.object({
  type: z.string(),
  message: z.string(),
  requiresApproval: z.boolean().optional(),
});

export const ToolsInvokeSuccessSchema = z.object({
  ok: z.literal(true),
  result: ToolResultSchema,
});

export const ToolsInvokeFailureSchema = z.object({
  ok: z.literal(false),
  error: ToolsInvokeErrorSchema,
});

export const ToolsInvokeResponseSchema = z.discriminatedUnion("ok", [ToolsInvokeSuccessSchema, ToolsInvokeFailureSchema]);
export type ToolsInvokeResponse = z.infer<typeof ToolsInvokeResponseSchema>;
export type ToolsInvokeFailure = z.infer<typeof ToolsInvokeFailureSchema>;

/**
 * `/tools/invoke` answers as a client reads them: any `result` (OpenClaw sends a tool result, other
 * gateways and proxies a bare object), or the failure envelope. The server side keeps the strict schema.
 */
export const ToolsInvokeAnswerSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  ToolsInvokeFailureSchema,
]);
export type ToolsInvokeAnswer = z.infer<typeof ToolsInvokeAnswerSchema>;
