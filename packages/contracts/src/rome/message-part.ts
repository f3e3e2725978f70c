import { z } from "zod";
import { RomePreviewPayloadSchema } from "./action.js";
import { RomeInlineRenderSchema } from "./action-result.js";
import { RomeRoutineDraftSpecSchema } from "./routine.js";

export const RomeApprovalCardStatusSchema = z.enum(["pending", "approved", "rejected", "executing", "executed", "failed"]);
export type RomeApprovalCardStatus = z.infer<typeof RomeApprovalCardStatusSchema>;

export const RomeTextPartSchema = z.object({ type: z.literal("text"), content: z.string() });

export const RomeTurnRecapPartSchema = z.object({
  type: z.literal("turn_recap"),
  turnId: z.string(),
  content: z.string(),
  audioUrl: z.string().optional(),
  audioMimeType: z.string().optional(),
  audioDurationMs: z.number().nonnegative().optional(),
});

export const RomeApprovalCardPartSchema = z.object({
  type: z.literal("approval_card"),
  approvalId: z.string(),
  actionName: z.string(),
  preview: RomePreviewPayloadSchema,
  status: RomeApprovalCardStatusSchema,
});

export const RomeRoutineDraftCardPartSchema = z.object({
  type: z.literal("routine_draft_card"),
  toolUseId: z.string(),
  draft: RomeRoutineDraftSpecSchema,
});

/** A parked inline guardian input, keyed by the tool call that asked for it. */
export const RomePendingInteractionPartSchema = z.object({
  type: z.literal("pending_interaction"),
  toolUseId: z.string(),
  appId: z.string(),
  render: RomeInlineRenderSchema,
});

/** A handoff in progress; 0.3.0 still names the side-by-side `surface`. */
export const RomeHandoffPartSchema = z.object({
  type: z.literal("handoff"),
  toolUseId: z.string(),
  appId: z.string(),
  surface: z.string(),
  agentName: z.string().optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
  childSessionId: z.string().optional(),
  handbackHint: z.string().optional(),
});

/** A schema-valid handback submission, shown as an approval card in the child session. */
export const RomeSubmissionCardPartSchema = z.object({
  type: z.literal("submission_card"),
  payload: z.record(z.string(), z.unknown()),
});

/** How an inline interaction or a handoff resolved: the artifact, or `{dismissed:true}`. */
export const RomeInteractionResultPartSchema = z.object({
  type: z.literal("interaction_result"),
  toolUseId: z.string(),
  output: z.record(z.string(), z.unknown()),
});

/** One block of a chat message (0.3.0: the ask-user parts are gone, replaced by the suspension parts). */
export const RomeMessagePartSchema = z.discriminatedUnion("type", [
  RomeTextPartSchema,
  RomeTurnRecapPartSchema,
  RomeApprovalCardPartSchema,
  RomeRoutineDraftCardPartSchema,
  RomePendingInteractionPartSchema,
  RomeHandoffPartSchema,
  RomeSubmissionCardPartSchema,
  RomeInteractionResultPartSchema,
]);
export type RomeMessagePart = z.infer<typeof RomeMessagePartSchema>;
