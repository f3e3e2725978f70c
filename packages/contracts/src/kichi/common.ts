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
  log: z.string().optional(),
  propId: KichiPropIdSchema.optional(),
});
export type KichiIdlePlanAction = z.infer<typeof KichiIdlePlanActionSchema>;

export const KichiIdlePlanStageSchema = z.object({
  name: z.string().min(1),
  purpose: z.string().min(1),
  pomodoroPhase: KichiPomodoroPhaseSchema,
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
