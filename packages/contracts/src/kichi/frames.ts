import { z } from "zod";
import {
  KichiAvatarIdSchema,
  KichiAvatarStatusSchema,
  KichiBotHistoryEntrySchema,
  KichiClockSchema,
  KichiGlanceTargetSchema,
  KichiIdlePlanSchema,
  KichiMateDailyScheduleSchema,
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
  /** Sent by every client since upstream 0.1.2-beta.19; optional so older clients still pass. */
  avatarStatus: KichiAvatarStatusSchema.optional(),
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

/** The avatar looks at the camera for `duration` seconds (upstream default 1.8). */
export const KichiGlanceFrameSchema = z.object({
  type: z.literal("kichi_glance"),
  requestId,
  ...avatarAuth,
  target: KichiGlanceTargetSchema,
  duration: z.number().positive().max(60),
});
/** Today's schedule of the mate; upstream sends it without a request id and waits for nothing. */
export const KichiSyncMateScheduleFrameSchema = z.object({
  type: z.literal("kichi_sync_mate_daily_schedule"),
  requestId: requestId.optional(),
  ...avatarAuth,
  schedule: KichiMateDailyScheduleSchema,
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
  KichiGlanceFrameSchema,
  KichiSyncMateScheduleFrameSchema,
]);
export type KichiClientFrame = z.infer<typeof KichiClientFrameSchema>;
export type KichiJoinFrame = z.infer<typeof KichiJoinFrameSchema>;
export type KichiStatusFrame = z.infer<typeof KichiStatusFrameSchema>;
export type KichiIdlePlanFrame = z.infer<typeof KichiIdlePlanFrameSchema>;
export type KichiClockFrame = z.infer<typeof KichiClockFrameSchema>;
export type KichiBotMessageFrame = z.infer<typeof KichiBotMessageFrameSchema>;
export type KichiGlanceFrame = z.infer<typeof KichiGlanceFrameSchema>;
export type KichiSyncMateScheduleFrame = z.infer<typeof KichiSyncMateScheduleFrameSchema>;

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
  /** Written by the person at the Kichi client (named `isFromOwner` before upstream 0.1.2-beta.36). */
  isFromCurrentUser: z.boolean(),
  createdAtUtc: z.string(),
  content: z.string(),
});
export const KichiQueryStatusResultFrameSchema = z.looseObject({
  type: z.literal("query_status_result"),
  requestId: z.string(),
  dailyLimit: z.number().int(),
  remaining: z.number().int(),
  hasCreatedMusicAlbumToday: z.boolean().optional(),
  /** Whether a note may be pinned now (quota left and a board to pin it on); since upstream 0.1.2-beta.23. */
  canCreateNoteboardNote: z.boolean().optional(),
  /** Whether the avatar is in the room scene now (false while its schedule has it elsewhere). */
  isAvatarInScene: z.boolean().optional(),
  errorCode: z.string().nullable().optional(),
  errorMessage: z.string().nullable().optional(),
  notes: z.array(KichiNoteSchema),
  /** What the person at the Kichi client is doing; null while nobody is there (was `ownerState`). */
  currentUserActivity: z
    .looseObject({
      poseType: z.string().optional(),
      action: z.string().optional(),
      interactingItemName: z.string().optional(),
      desktopAppName: z.string().optional(),
    })
    .nullable()
    .optional(),
  environmentWeather: z.unknown().optional(),
  environmentTime: z.unknown().optional(),
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
/** The answer of an acking server to an idle plan, clock, note, album or schedule. */
export const KichiRequestAckFrameSchema = z.looseObject({
  type: z.enum([
    "kichi_idle_plan_ack",
    "clock_ack",
    "create_notes_board_note_ack",
    "create_music_album_ack",
    "kichi_sync_mate_daily_schedule_ack",
  ]),
  requestId: z.string(),
});
export const KichiGlanceAckFrameSchema = z.looseObject({
  type: z.literal("kichi_glance_ack"),
  requestId: z.string(),
  target: KichiGlanceTargetSchema,
});
/** Every `*_ack` a refusal can take; upstream reads a refusal from the ack it awaits, not from an `error` frame. */
export const KICHI_ACK_TYPES = [
  "join_ack",
  "leave_ack",
  "status_ack",
  "kichi_glance_ack",
  "bot_message_ack",
  "kichi_idle_plan_ack",
  "clock_ack",
  "create_notes_board_note_ack",
  "create_music_album_ack",
  "kichi_sync_mate_daily_schedule_ack",
] as const;
export type KichiAckType = (typeof KICHI_ACK_TYPES)[number];
/** A refused request, answered in the ack it awaits: `{success:false, errorCode, errorMessage}`. */
export const KichiAckFailureFrameSchema = z.looseObject({
  type: z.enum(KICHI_ACK_TYPES),
  requestId: z.string().optional(),
  success: z.literal(false),
  errorCode: z.string(),
  errorMessage: z.string(),
});
export type KichiAckFailureFrame = z.infer<typeof KichiAckFailureFrameSchema>;
export const KichiErrorFrameSchema = z.looseObject({
  type: z.literal("error"),
  requestId: z.string().optional(),
  code: z.string(),
  message: z.string(),
});

export const KichiServerFrameSchema = z.union([
  // First: a refusal is read as one whatever ack type it wears.
  KichiAckFailureFrameSchema,
  KichiJoinAckFrameSchema,
  KichiRejoinAckFrameSchema,
  KichiLeaveAckFrameSchema,
  KichiAuthErrorFrameSchema,
  KichiStatusAckFrameSchema,
  KichiQueryStatusResultFrameSchema,
  KichiBotMessageReceivedFrameSchema,
  KichiBotMessageAckFrameSchema,
  KichiRequestAckFrameSchema,
  KichiGlanceAckFrameSchema,
  KichiErrorFrameSchema,
]);
export type KichiServerFrame = z.infer<typeof KichiServerFrameSchema>;
