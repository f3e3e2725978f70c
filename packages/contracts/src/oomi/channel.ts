import { z } from "zod";
import { OomiSlugSchema } from "./files.js";

/** The `payload` of a queued `persona_job` message: what to build (or tear down) on this machine. */
export const OomiPersonaJobPayloadSchema = z.looseObject({
  jobId: z.string().min(1).optional(),
  jobType: z.enum(["create_persona_runtime", "destroy_persona_runtime"]),
  persona: z.looseObject({
    slug: OomiSlugSchema,
    name: z.string().min(1),
    description: z.string().default(""),
    templateVersion: z.string().default("v1"),
  }),
  scaffold: z.looseObject({ outDir: z.string().min(1).optional() }).optional(),
});
export type OomiPersonaJobPayload = z.infer<typeof OomiPersonaJobPayloadSchema>;

export const OomiPersonaJobMetadataSchema = z.looseObject({
  type: z.literal("persona_job"),
  jobId: z.string().min(1).optional(),
  payload: OomiPersonaJobPayloadSchema,
});

/** One channel message as `/v1/channel/plugin/poll` returns it. */
export const OomiChannelMessageSchema = z.looseObject({
  messageId: z.string().min(1),
  conversationKey: z.string().optional(),
  userId: z.string().optional(),
  sessionKey: z.string().optional(),
  content: z.string().optional(),
  metadata: z.looseObject({ type: z.string().min(1) }),
  createdAt: z.string().optional(),
});
export type OomiChannelMessage = z.infer<typeof OomiChannelMessageSchema>;

export const OomiPersonaJobMessageSchema = OomiChannelMessageSchema.extend({ metadata: OomiPersonaJobMetadataSchema });
export type OomiPersonaJobMessage = z.infer<typeof OomiPersonaJobMessageSchema>;

export const OomiPollBodySchema = z.object({
  limit: z.number().int().min(1).max(100).default(20),
  metadataType: z.string().min(1).optional(),
  deviceId: z.string().min(1).optional(),
});
export const OomiPollResponseSchema = z.object({ messages: z.array(OomiChannelMessageSchema) });

export const OomiAckBodySchema = z.object({
  messageId: z.string().min(1),
  outcome: z.enum(["delivered", "failed"]),
  failureCode: z.string().min(1).optional(),
  deviceId: z.string().min(1).optional(),
});
export type OomiAckBody = z.infer<typeof OomiAckBodySchema>;

/** An outbound chat message the plugin posts to `/v1/channel/plugin/messages`. */
export const OomiOutboundMessageBodySchema = z.object({
  messageId: z.string().min(1),
  correlationId: z.string().optional(),
  conversationKey: z.string().min(1),
  userId: z.string().optional(),
  sessionKey: z.string().min(1),
  content: z.string().min(1),
  source: z.literal("openclaw.channel"),
  metadata: z.record(z.string(), z.unknown()).default({}),
  deviceId: z.string().min(1).optional(),
});
export type OomiOutboundMessageBody = z.infer<typeof OomiOutboundMessageBodySchema>;

/** An inbound user chat message (local backend only: how a test or the page enqueues chat for the device). */
export const OomiUserMessageBodySchema = z.object({
  conversationKey: z.string().min(1),
  userId: z.string().min(1),
  content: z.string().min(1).max(8000),
  sessionKey: z.string().optional(),
});
