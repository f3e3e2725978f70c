import { z } from "zod";

/** How an action presents itself to agents and the approval flow. */
export const RomeActionConfigSchema = z.object({
  name: z.string().min(1),
  type: z.enum(["system", "custom"]),
  description: z.string(),
  entry: z.string().optional(),
  complexity: z.enum(["simple", "moderate", "complex"]),
  speed: z.enum(["fast", "moderate", "slow"]),
  reliability: z.enum(["high", "medium", "low"]),
  sideEffects: z.enum(["read-only", "write"]),
  requiresApproval: z.boolean().optional(),
  cancellable: z.boolean().optional(),
  webhook: z.boolean().optional(),
});
export type RomeActionConfig = z.infer<typeof RomeActionConfigSchema>;

/** What an approval card shows before an action runs. */
export const RomePreviewPayloadSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("sensitive_message"),
    channel: z.string(),
    threadId: z.string(),
    text: z.string(),
    reason: z.string().optional(),
  }),
  z.object({
    kind: z.literal("generic"),
    title: z.string(),
    summary: z.string(),
    fields: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  }),
]);
export type RomePreviewPayload = z.infer<typeof RomePreviewPayloadSchema>;

/** Why an invocation failed before it could produce a result: the single failure shape of `runAction`. */
export const RomeActionInvocationErrorCodeSchema = z.enum(["not_found", "unserializable", "handler_error", "worker_failure"]);
export type RomeActionInvocationErrorCode = z.infer<typeof RomeActionInvocationErrorCodeSchema>;

/** An `ActionInvocationError` as data, for the wire between a worker and its parent. */
export const RomeActionInvocationFailureSchema = z.object({
  actionName: z.string(),
  code: RomeActionInvocationErrorCodeSchema,
  message: z.string(),
});
export type RomeActionInvocationFailure = z.infer<typeof RomeActionInvocationFailureSchema>;

/** A low-volume, caller-facing event an action publishes while it runs (app-runtime 0.6.6). */
export const RomeActionEventSchema = z.looseObject({ type: z.string().min(1) });
export type RomeActionEvent = z.infer<typeof RomeActionEventSchema>;

/** What a detached run answers once the action was accepted; its outcome is not awaited. */
export const RomeActionDispatchReceiptSchema = z.object({ executionId: z.string().min(1) });
export type RomeActionDispatchReceipt = z.infer<typeof RomeActionDispatchReceiptSchema>;
