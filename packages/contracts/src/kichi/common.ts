import { z } from "zod";
import { isPrototypeKey, RecordIdSchema } from "../record-id.js";

/** An avatar's id: the server keys its stores by it, so the shared id rules hold (never a prototype key). */
export const KichiAvatarIdSchema = RecordIdSchema;

/**
 * An id the server only compares or echoes (a prop, a request): any non-empty text but an
 * `Object.prototype` key, which no id may be.
 */
const opaqueIdSchema = z
  .string()
  .min(1)
  .refine((id) => !isPrototypeKey(id), { message: "a reserved name (an Object.prototype key) is not an id" });
export const KichiPropIdSchema = opaqueIdSchema;
export const KichiRequestIdSchema = opaqueIdSchema;

export const KICHI_POSE_TYPES = ["stand", "sit", "lay", "floor"] as const;
export const KichiPoseTypeSchema = z.enum(KICHI_POSE_TYPES);
export type KichiPoseType = z.infer<typeof KichiPoseTypeSchema>;

export const KICHI_ENVIRONMENTS = ["steam", "steam-playtest", "test"] as const;
export const KichiEnvironmentSchema = z.enum(KICHI_ENVIRONMENTS);
export type KichiEnvironment = z.infer<typeof KichiEnvironmentSchema>;

export const KichiPlaybackModeSchema = z.enum(["loop", "once"]);
export type KichiPlaybackMode = z.infer<typeof KichiPlaybackModeSchema>;

/** How the client plays an action: looping, or once and then back to `resumeAction`. */
export const KichiPlaybackSchema = z.object({
  mode: KichiPlaybackModeSchema,
  resumeAction: z.string().min(1).optional(),
});
export type KichiPlayback = z.infer<typeof KichiPlaybackSchema>;

export const KICHI_POMODORO_PHASES = ["focus", "shortBreak", "longBreak", "none"] as const;
export const KichiPomodoroPhaseSchema = z.enum(KICHI_POMODORO_PHASES);
export type KichiPomodoroPhase = z.infer<typeof KichiPomodoroPhaseSchema>;

/** What the room shows the avatar as doing, beside its pose (since upstream 0.1.2-beta.19). */
export const KICHI_AVATAR_STATUSES = ["Idle", "Busy", "Activities", "Break"] as const;
export const KichiAvatarStatusSchema = z.enum(KICHI_AVATAR_STATUSES);
export type KichiAvatarStatus = z.infer<typeof KichiAvatarStatusSchema>;

/** Where `kichi_glance` turns the avatar's eyes; the camera is the only target. */
export const KichiGlanceTargetSchema = z.literal("camera");
export type KichiGlanceTarget = z.infer<typeof KichiGlanceTargetSchema>;

/** One line of a bot-to-bot conversation, carried along so each side sees what was said. */
export const KichiBotHistoryEntrySchema = z.object({
  from: z.string(),
  fromName: z.string(),
  bubble: z.string(),
});
export type KichiBotHistoryEntry = z.infer<typeof KichiBotHistoryEntrySchema>;

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** A clock shown in the room. The pomodoro focus length is named `kichiSeconds` on the wire. */
export const KichiPomodoroClockSchema = z.object({
  mode: z.literal("pomodoro"),
  kichiSeconds: positiveInt,
  shortBreakSeconds: positiveInt,
  longBreakSeconds: positiveInt,
  sessionCount: positiveInt,
  currentSession: positiveInt,
  phase: z.enum(["focus", "shortBreak", "longBreak"]),
  remainingSeconds: nonNegativeInt,
  running: z.boolean(),
});
export const KichiCountDownClockSchema = z.object({
  mode: z.literal("countDown"),
  durationSeconds: positiveInt,
  remainingSeconds: nonNegativeInt,
  running: z.boolean(),
});
export const KichiCountUpClockSchema = z.object({
  mode: z.literal("countUp"),
  elapsedSeconds: nonNegativeInt,
  running: z.boolean(),
});
export const KichiClockSchema = z.discriminatedUnion("mode", [
  KichiPomodoroClockSchema,
  KichiCountDownClockSchema,
  KichiCountUpClockSchema,
]);
export type KichiClock = z.infer<typeof KichiClockSchema>;

export const KichiIdlePlanActionSchema = z.object({
  poseType: KichiPoseTypeSchema,
  action: z.string().min(1),
  durationSeconds: positiveInt,
  bubble: z.string().min(1),
  /** Required of the agent since upstream 0.1.2-beta.24; optional on the wire so older clients still pass. */
  log: z.string().optional(),
  propId: KichiPropIdSchema.optional(),
});
export type KichiIdlePlanAction = z.infer<typeof KichiIdlePlanActionSchema>;

export const KichiIdlePlanStageSchema = z.object({
  name: z.string().min(1),
  purpose: z.string().min(1),
  pomodoroPhase: KichiPomodoroPhaseSchema,
  /** Required of the agent since upstream 0.1.2-beta.19; optional on the wire so older clients still pass. */
  avatarStatus: KichiAvatarStatusSchema.optional(),
  durationSeconds: positiveInt,
  actions: z.array(KichiIdlePlanActionSchema).min(1),
});
export type KichiIdlePlanStage = z.infer<typeof KichiIdlePlanStageSchema>;

/** A validated idle plan as it goes on the wire (the tool result adds `totalDurationSeconds`). */
export const KichiIdlePlanSchema = z.object({
  heartbeatIntervalSeconds: positiveInt,
  goal: z.string().min(1),
  stages: z.array(KichiIdlePlanStageSchema).min(1),
});
export type KichiIdlePlan = z.infer<typeof KichiIdlePlanSchema>;

/** A prop an avatar can sit or lie on, with how many seats are taken. */
export const KichiPoseablePropSchema = z.looseObject({
  PropId: z.string(),
  DisplayName: z.string(),
  Description: z.string().optional(),
  SupportedPoseTypes: z.array(z.string()),
  OccupancyState: z.enum(["free", "partially_occupied", "fully_occupied"]),
  Capacity: z.number().int().optional(),
  OccupiedBy: z.array(z.string()).optional(),
});
export type KichiPoseableProp = z.infer<typeof KichiPoseablePropSchema>;

export const KichiRoomContextSchema = z.looseObject({
  PoseableProps: z.array(KichiPoseablePropSchema),
});
export type KichiRoomContext = z.infer<typeof KichiRoomContextSchema>;

/** Where a mate spends one hour of its day. */
export const KichiMatePlaceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("home") }),
  z.object({ type: z.literal("kichi_room") }),
  z.object({ type: z.literal("real_world"), name: z.string().trim().min(1) }),
]);
export type KichiMatePlace = z.infer<typeof KichiMatePlaceSchema>;

/** One slot of a mate's day: from hour `h` (local to the schedule's timezone) until the next slot. */
export const KichiMateScheduleSlotSchema = z.object({
  h: z.number().int().min(0).max(23),
  place: KichiMatePlaceSchema,
  act: z.string(),
  mood: z.string(),
  sleep: z.boolean(),
});
export type KichiMateScheduleSlot = z.infer<typeof KichiMateScheduleSlotSchema>;

/**
 * A mate's plan for one local day (`<agent dir>/daily-schedule.json`, and the body of
 * `kichi_sync_mate_daily_schedule`). Hours are unique; the timezone must be one `Intl` knows.
 */
export const KichiMateDailyScheduleSchema = z
  .object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD"),
    timezone: z.string().min(1).refine(isKnownTimeZone, { message: "timezone is not an IANA time zone" }),
    activeArcs: z.array(z.string()),
    slots: z.array(KichiMateScheduleSlotSchema).min(1).max(24),
  })
  .refine((s) => new Set(s.slots.map((slot) => slot.h)).size === s.slots.length, {
    message: "slots must not repeat an hour",
    path: ["slots"],
  });
export type KichiMateDailySchedule = z.infer<typeof KichiMateDailyScheduleSchema>;

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The local date (YYYY-MM-DD) and hour (0-23) of `now` in `timeZone`. */
export function localDateAndHour(timeZone: string, now: Date): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${part("year")}-${part("month")}-${part("day")}`, hour: Number(part("hour")) };
}

export type MateScheduleAt =
  | { ok: true; date: string; hour: number; current: KichiMateScheduleSlot; upcoming: KichiMateScheduleSlot[] }
  | { ok: false; error: string };

/**
 * The slot a schedule puts the mate in at `now`, and the slots still to come today. Shared by the
 * plugin (presence answers) and the local server (`isAvatarInScene`), so both read a day the same way.
 */
export function mateScheduleAt(schedule: KichiMateDailySchedule, now: Date): MateScheduleAt {
  const local = localDateAndHour(schedule.timezone, now);
  if (schedule.date !== local.date) {
    return { ok: false, error: `the schedule is for ${schedule.date}, but today in ${schedule.timezone} is ${local.date}` };
  }
  const slots = [...schedule.slots].sort((a, b) => a.h - b.h);
  const current = slots.filter((slot) => slot.h <= local.hour).at(-1);
  if (!current) return { ok: false, error: `the schedule has no slot covering hour ${local.hour}` };
  return { ok: true, date: local.date, hour: local.hour, current, upcoming: slots.filter((slot) => slot.h > local.hour) };
}
