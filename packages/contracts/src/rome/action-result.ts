import { z } from "zod";

/** The action body has not run: it waits for the guardian's approval, and its outcome arrives later. */
export const RomePendingApprovalSchema = z.object({
  approvalId: z.string().min(1),
  actionName: z.string().min(1),
  description: z.string(),
});
export type RomePendingApproval = z.infer<typeof RomePendingApprovalSchema>;

/** The app's own component mounted inline in the transcript; `promptText` is the prose fallback off webchat. */
export const RomeInlineRenderSchema = z.object({
  kind: z.literal("inline"),
  componentId: z.string().min(1),
  props: z.record(z.string(), z.unknown()).optional(),
});

/** The calling agent parks on a self-contained guardian input; control never leaves it. */
export const RomePendingInteractionSchema = z.object({
  appId: z.string().min(1),
  promptText: z.string(),
  render: RomeInlineRenderSchema,
});
export type RomePendingInteraction = z.infer<typeof RomePendingInteractionSchema>;

/** What the specialist must hand back: a JSON Schema, and optionally a read-only validator action. */
export const RomeHandbackSpecSchema = z.object({
  schema: z.record(z.string(), z.unknown()),
  validate: z.string().min(1).optional(),
});
export type RomeHandbackSpec = z.infer<typeof RomeHandbackSpecSchema>;

/** The token the host replaces with the handoff's child session id inside `handbackHint`. */
export const ROME_CHILD_SESSION_ID_TOKEN = "<childSessionId>";

/** The floor moves to another agent in a child session until it hands back. */
export const RomeHandoffSchema = z.object({
  appId: z.string().min(1),
  promptText: z.string(),
  agentName: z.string().min(1).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  handback: RomeHandbackSpecSchema.optional(),
  handbackHint: z.string().optional(),
});
export type RomeHandoff = z.infer<typeof RomeHandoffSchema>;

/** Fire-and-forget: one of the app's widgets is mounted at `/full/apps/<appId>/<route>`; the turn goes on. */
export const RomePlaceWidgetSchema = z.object({
  appId: z.string().min(1),
  sessionScoped: z.boolean(),
  route: z.string().optional(),
  /** Flat scalars only: they ride the widget src as query parameters and must survive a remount. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type RomePlaceWidget = z.infer<typeof RomePlaceWidgetSchema>;

export const RomeActionResultStatusSchema = z.enum(["ok", "error", "pending_approval", "pending_interaction", "handoff", "place_widget"]);
export type RomeActionResultStatus = z.infer<typeof RomeActionResultStatusSchema>;

/**
 * The envelope every Rome action returns, discriminated on `status`, with `data` checked by `data`.
 * `error` is a domain rejection the caller can act on; infrastructure failures are not results.
 */
export function romeActionResultSchema<Data extends z.ZodType>(data: Data) {
  return z.discriminatedUnion("status", [
    z.object({ status: z.literal("ok"), data: data.optional() }),
    z.object({ status: z.literal("error"), error: z.string() }),
    z.object({ status: z.literal("pending_approval"), approval: RomePendingApprovalSchema }),
    z.object({ status: z.literal("pending_interaction"), interaction: RomePendingInteractionSchema }),
    z.object({ status: z.literal("handoff"), handoff: RomeHandoffSchema }),
    z.object({ status: z.literal("place_widget"), placement: RomePlaceWidgetSchema }),
  ]);
}

export const RomeActionResultSchema = romeActionResultSchema(z.unknown());

/** `ActionResult<T>`: the `ok` variant carries `T` in `data`; the other five are the schema's. */
export type RomeActionResult<T = unknown> = { status: "ok"; data?: T } | Exclude<z.infer<typeof RomeActionResultSchema>, { status: "ok" }>;
