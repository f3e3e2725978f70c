import { z } from "zod";
import { OomiChannelMessageSchema, OomiOutboundMessageBodySchema } from "./channel.js";
import { OomiBackendPersonaSchema, OomiPersonaJobSchema } from "./rest.js";

/** A queued channel message and where it is in its delivery: leased on poll, settled by an ack. */
export const OomiQueuedMessageSchema = z.object({
  deviceId: z.string(),
  message: OomiChannelMessageSchema,
  state: z.enum(["pending", "leased", "delivered", "failed"]),
  leasedUntil: z.string().nullable(),
  failureCode: z.string().nullable(),
});
export type OomiQueuedMessage = z.infer<typeof OomiQueuedMessageSchema>;

/** The local backend's durable store (one JSON file, written atomically). */
export const OomiBackendStoreSchema = z.object({
  version: z.literal(1),
  personas: z.record(z.string(), OomiBackendPersonaSchema),
  jobs: z.record(z.string(), OomiPersonaJobSchema),
  messages: z.array(OomiQueuedMessageSchema),
  outbox: z.array(OomiOutboundMessageBodySchema.extend({ receivedAt: z.string() })),
  devices: z.record(z.string(), z.object({ deviceId: z.string(), deviceToken: z.string(), label: z.string(), claimedAt: z.string() })),
  pairCodes: z.record(z.string(), z.object({ label: z.string(), expiresAt: z.string() })),
});
export type OomiBackendStore = z.infer<typeof OomiBackendStoreSchema>;
