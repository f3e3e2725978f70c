import { z } from "zod";

/** Per-message routing a channel adapter resolved from its channel configuration. */
export const RomeMessageRoutingSchema = z.object({
  /** The trusted-path agent; the default (`main`) when absent or not in the catalogue. */
  agentName: z.string().min(1).optional(),
});
export type RomeMessageRouting = z.infer<typeof RomeMessageRoutingSchema>;

export const RomeAttachmentSchema = z.object({
  type: z.enum(["image", "video", "audio", "document", "sticker", "location", "contact"]),
  url: z.string().optional(),
  mimeType: z.string().optional(),
  fileName: z.string().optional(),
  caption: z.string().optional(),
  data: z.custom<Buffer>((value) => Buffer.isBuffer(value), "expected a Buffer").optional(),
  localPath: z.string().optional(),
});
export type RomeAttachment = z.infer<typeof RomeAttachmentSchema>;

export const RomeChannelSchema = z.enum(["telegram", "telegram_user", "whatsapp", "wechat", "webchat", "discord"]);
export type RomeChannel = z.infer<typeof RomeChannelSchema>;

/** An inbound chat message in the one shape every channel adapter produces. */
export const RomeNormalizedMessageSchema = z.object({
  id: z.string(),
  channel: RomeChannelSchema,
  channelUserId: z.string(),
  displayName: z.string(),
  threadId: z.string(),
  threadName: z.string().optional(),
  threadType: z.enum(["private", "group"]),
  /** A `Date` in memory; an ISO string on the wire is accepted and becomes one. */
  timestamp: z.coerce.date(),
  text: z.string(),
  attachments: z.array(RomeAttachmentSchema),
  replyToMessageId: z.string().optional(),
  routing: RomeMessageRoutingSchema.optional(),
  rawEvent: z.unknown(),
});
export type RomeNormalizedMessage = z.infer<typeof RomeNormalizedMessageSchema>;

/** What a turn knows about its thread: at least the channel and the thread on it. */
export const RomeThreadContextSchema = z.object({
  channel: z.string().min(1),
  threadId: z.string().min(1),
  threadPath: z.string().optional(),
  channelUserId: z.string().optional(),
  threadName: z.string().optional(),
  threadType: z.enum(["private", "group"]).optional(),
  projectName: z.string().optional(),
  projectPath: z.string().optional(),
  /** Tells the guardian apart from other trusted senders who reach the same trusted path. */
  senderBondLevel: z.string().optional(),
});
export type RomeThreadContext = z.infer<typeof RomeThreadContextSchema>;
