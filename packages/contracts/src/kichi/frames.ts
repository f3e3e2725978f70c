import { z } from "zod";
import {
  KichiAvatarIdSchema,
  KichiBotHistoryEntrySchema,
  KichiClockSchema,
  KichiIdlePlanSchema,
  KichiPlaybackSchema,
  KichiPoseTypeSchema,
  KichiPropIdSchema,
  KichiRequestIdSchema,
  KichiRoomContextSchema,
} from "./common.js";

/** Every frame but `join` proves who sends it. */
const avatarAuth = {
  avatarId: KichiAvatarIdSchema,
  authKey: z.string().min(1),
};
const requestId = KichiRequestIdSchema;

// ---- plugin → server ----

export const KichiJoinFrameSchema = z.object({
  type: z.literal("join"),
  requestId: requestId.optional(),
  avatarId: KichiAvatarIdSchema,
  botName: z.string().min(1),
  bio: z.string().min(1),
  tags: z.array(z.string()),
  source: z.string().min(1),
});
export const KichiRejoinFrameSchema = z.object({ type: z.literal("rejoin"), requestId: requestId.optional(), ...avatarAuth });
export const KichiLeaveFrameSchema = z.object({ type: z.literal("leave"), requestId: requestId.optional(), ...avatarAuth });
export const KichiStatusFrameSchema = z.object({
  type: z.literal("status"),
  requestId: requestId.optional(),
  ...avatarAuth,
  poseType: z.union([KichiPoseTypeSchema, z.literal("")]),
  action: z.string(),
  bubble: z.string(),
  log: z.string(),
  playback: KichiPlaybackSchema,
  propId: KichiPropIdSchema.optional(),
});
export const KichiHookNotifyFrameSchema = z.object({
  type: z.enum(["message_received", "before_send_message"]),
  ...avatarAuth,
  bubble: z.string(),
});
export const KichiIdlePlanFrameSchema = KichiIdlePlanSchema.extend({
  type: z.literal("kichi_idle_plan"),
  requestId: requestId.optional(),
  ...avatarAuth,
});
export const KichiClockFrameSchema = z.discriminatedUnion("action", [
  z.object({ type: z.literal("clock"), requestId: requestId.optional(), ...avatarAuth, action: z.literal("set"), clock: KichiClockSchema }),
  z.object({ type: z.literal("clock"), requestId: requestId.optional(), ...avatarAuth, action: z.literal("stop") }),
]);
export const KichiQueryStatusFrameSchema = z.object({ type: z.literal("query_status"), requestId, ...avatarAuth });
export const KICHI_NOTE_MAX_LENGTH = 200;
export const KichiNoteFrameSchema = z.object({
  type: z.literal("create_notes_board_note"),
  requestId: requestId.optional(),
  ...avatarAuth,
  propId: KichiPropIdSchema,
  data: z.string().min(1).max(KICHI_NOTE_MAX_LENGTH),
});
export const KichiMusicAlbumFrameSchema = z.object({
  type: z.literal("create_music_album"),
  requestId,
  ...avatarAuth,
  albumTitle: z.string().min(1),
  musicTitles: z.array(z.string().min(1)).min(1),
});
export const KichiBotMessageFrameSchema = z.object({
  type: z.literal("bot_message"),
  requestId,
  ...avatarAuth,
  toAvatarId: z.union([z.literal("*"), KichiAvatarIdSchema]),
  depth: z.number().int().nonnegative(),
  bubble: z.string().min(1),
  poseType: KichiPoseTypeSchema.optional(),
  action: z.string().optional(),
  playback: KichiPlaybackSchema.optional(),
  log: z.string().optional(),
  history: z.array(KichiBotHistoryEntrySchema).optional(),
});

/** Everything the plugin may send; the server parses each text frame with this. */
export const KichiClientFrameSchema = z.union([
  KichiJoinFrameSchema,
  KichiRejoinFrameSchema,
  KichiLeaveFrameSchema,
  KichiStatusFrameSchema,
  KichiHookNotifyFrameSchema,
  KichiIdlePlanFrameSchema,
  KichiClockFrameSchema,
  KichiQueryStatusFrameSchema,
  KichiNoteFrameSchema,
  KichiMusicAlbumFrameSchema,
  KichiBotMessageFrameSchema,
]);
export type KichiClientFrame = z.infer<typeof KichiClientFrameSchema>;
export type KichiJoinFrame = z.infer<typeof KichiJoinFrameSchema>;
export type KichiStatusFrame = z.infer<typeof KichiStatusFrameSchema>;
export type KichiIdlePlanFrame = z.infer<typeof KichiIdlePlanFrameSchema>;
export type KichiClockFrame = z.infer<typeof KichiClockFrameSchema>;
export type KichiBotMessageFrame = z.infer<typeof KichiBotMessageFrameSchema>;

// ---- server → plugin ----

const failureFields = {
  success: z.boolean().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
};

/**
 * `acks: true` is how a server says it answers idle plans, clocks, notes and albums with an ack or an
 * error frame; without it (the hosted Kichi servers) those sends are fire-and-forget.
 */
export const KichiJoinAckFrameSchema = z.looseObject({
  type: z.literal("join_ack"),
  requestId: z.string().optional(),
  authKey: z.string().optional(),
  acks: z.boolean().optional(),
  ...failureFields,
});
export const KichiRejoinAckFrameSchema = z.looseObject({
  type: z.literal("rejoin_ack"),
  requestId: z.string().optional(),
  avatarId: z.string(),
  acks: z.boolean().optional(),
});
export const KichiLeaveAckFrameSchema = z.looseObject({ type: z.literal("leave_ack"), requestId: z.string().optional(), ...failureFields });
export const KichiAuthErrorFrameSchema = z.looseObject({
  type: z.enum(["auth_error", "rejoin_failed"]),
  requestId: z.string().optional(),
  reason: z.string().optional(),
});
export const KichiStatusAckFrameSchema = z.looseObject({
  type: z.literal("status_ack"),
  requestId: z.string(),
  poseType: z.string(),
  action: z.string(),
  propId: z.string().optional(),
  requestedPropId: z.string().optional(),
  warning: z.string().optional(),
});
export const KichiNoteSchema = z.looseObject({
  propId: z.string(),
  authorName: z.string(),
  isCreatedByCurrentAgent: z.boolean(),
  isFromOwner: z.boolean(),
  createdAtUtc: z.string(),
  content: z.string(),
});
export const KichiQueryStatusResultFrameSchema = z.looseObject({
  type: z.literal("query_status_result"),
  requestId: z.string(),
  dailyLimit: z.number().int(),
  remaining: z.number().int(),
  hasCreatedMusicAlbumToday: z.boolean().optional(),
  errorCode: z.string().nullable().optional(),
  errorMessage: z.string().nullable().optional(),
  notes: z.array(KichiNoteSchema),
  ownerState: z
    .looseObject({
      poseType: z.string().optional(),
      action: z.string().optional(),
      interactingItemName: z.string().optional(),
      desktopAppName: z.string().optional(),
    })
    .optional(),
  timer: z.unknown().optional(),
  idlePlan: z.unknown().optional(),
  RoomContext: KichiRoomContextSchema.optional(),
});
export type KichiQueryStatusResultFrame = z.infer<typeof KichiQueryStatusResultFrameSchema>;
export const KichiBotMessageReceivedFrameSchema = z.looseObject({
  type: z.literal("bot_message_received"),
  from: z.string().min(1),
  fromName: z.string(),
  depth: z.number().int().nonnegative(),
  bubble: z.string(),
  history: z.array(KichiBotHistoryEntrySchema).optional(),
});
export type KichiBotMessageReceivedFrame = z.infer<typeof KichiBotMessageReceivedFrameSchema>;
export const KichiBotMessageAckFrameSchema = z.looseObject({
  type: z.literal("bot_message_ack"),
  requestId: z.string(),
  toAvatarId: z.string(),
  deliveredTo: z.array(z.string()),
});
/** The answer of an acking server to an idle plan, clock, note or album. */
export const KichiRequestAckFrameSchema = z.looseObject({
  type: z.enum(["kichi_idle_plan_ack", "clock_ack", "create_notes_board_note_ack", "create_music_album_ack"]),
  requestId: z.string(),
});
export const KichiErrorFrameSchema = z.looseObject({
  type: z.literal("error"),
  requestId: z.string().optional(),
  code: z.string(),
  message: z.string(),
});

export const KichiServerFrameSchema = z.union([
  KichiJoinAckFrameSchema,
  KichiRejoinAckFrameSchema,
  KichiLeaveAckFrameSchema,
  KichiAuthErrorFrameSchema,
  KichiStatusAckFrameSchema,
  KichiQueryStatusResultFrameSchema,
  KichiBotMessageReceivedFrameSchema,
  KichiBotMessageAckFrameSchema,
  KichiRequestAckFrameSchema,
  KichiErrorFrameSchema,
]);
export type KichiServerFrame = z.infer<typeof KichiServerFrameSchema>;
