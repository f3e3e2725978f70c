import { z } from "zod";
import { isPrototypeKey } from "../record-id.js";
import { OomiChannelMessageSchema, OomiOutboundMessageBodySchema } from "./channel.js";
import { OomiSlugSchema } from "./files.js";
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

/** A paired device; its token is the bearer secret of every `/v1/*` call (the store file is 0600). */
export const OomiBackendDeviceSchema = z.object({
  deviceId: z.string(),
  deviceToken: z.string(),
  label: z.string(),
  claimedAt: z.string(),
});
export type OomiBackendDevice = z.infer<typeof OomiBackendDeviceSchema>;

/** A pair code handed out by `pair/start`, pending until it is claimed once or expires. */
export const OomiPendingPairCodeSchema = z.object({ label: z.string(), expiresAt: z.string() });
export type OomiPendingPairCode = z.infer<typeof OomiPendingPairCodeSchema>;

/**
 * An invite link handed out by `invite_links/start`: the page at `/invite/<code>` shows it until it
 * expires. It names the device and session it connects to, never the device token.
 */
export const OomiInviteRecordSchema = z.object({
  deviceId: z.string(),
  sessionKey: z.string(),
  appUrl: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type OomiInviteRecord = z.infer<typeof OomiInviteRecordSchema>;

export const OomiOutboxEntrySchema = OomiOutboundMessageBodySchema.extend({ receivedAt: z.string() });
export type OomiOutboxEntry = z.infer<typeof OomiOutboxEntrySchema>;

/**
 * A key of the store's records. A prototype key (`__proto__`, `constructor`) would be read as the
 * prototype instead of an entry, so a file holding one is refused as a whole (and kept aside).
 */
const StoreKeySchema = z
  .string()
  .min(1)
  .refine((key) => !isPrototypeKey(key), { message: "key: a reserved name (an Object.prototype key) is not a key" });

/** The local backend's durable store (one JSON file, written atomically). */
export const OomiBackendStoreSchema = z.object({
  version: z.literal(1),
  personas: z.record(OomiSlugSchema, OomiBackendPersonaSchema),
  jobs: z.record(StoreKeySchema, OomiPersonaJobSchema),
  messages: z.array(OomiQueuedMessageSchema),
  outbox: z.array(OomiOutboxEntrySchema),
  devices: z.record(StoreKeySchema, OomiBackendDeviceSchema),
  pairCodes: z.record(StoreKeySchema, OomiPendingPairCodeSchema),
  /** Absent in files written before invite pages existed. */
  invites: z.record(StoreKeySchema, OomiInviteRecordSchema).default({}),
});
export type OomiBackendStore = z.infer<typeof OomiBackendStoreSchema>;

/** True when `id` can key the backend's store (a device id given at start, for instance). */
export function isOomiStoreKey(id: string): boolean {
  return StoreKeySchema.safeParse(id).success;
}
