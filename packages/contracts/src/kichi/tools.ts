import { z } from "zod";
import {
  KichiAvatarStatusSchema,
  KichiEnvironmentSchema,
  KichiGlanceTargetSchema,
  KichiIdlePlanSchema,
  KichiPomodoroPhaseSchema,
  KichiPoseTypeSchema,
  KichiPropIdSchema,
} from "./common.js";
import { KICHI_BOT_MESSAGE_HISTORY_MAX } from "./files.js";

/** Parameters of the fifteen `kichi_*` tools. Semantic rules (catalog, sums, defaults) live in the plugin. */
export const KichiJoinParamsSchema = z.strictObject({
  environment: KichiEnvironmentSchema.describe("Environment to join in; the agent leaves and switches first when it differs"),
  host: z.string().trim().min(1).optional().describe("host[:port]; required for the test environment, ignored otherwise"),
  avatarId: z.string().trim().min(1).optional().describe("Avatar id; defaults to the one saved for that host"),
  botName: z.string().trim().min(1, "No botName").describe("Display name of the bot in the room"),
  bio: z.string().trim().min(1, "No bio").describe("One-line bio shown in the room"),
  tags: z.array(z.string()).max(20).optional().describe("Interest tags (trimmed, de-duplicated)"),
  source: z.string().trim().min(1).optional().describe("Join source (default openclaw)"),
});

export const KichiSwitchHostParamsSchema = z.strictObject({
  environment: KichiEnvironmentSchema.describe("steam, steam-playtest, or test (test needs host)"),
  host: z.string().trim().min(1).optional().describe("host[:port]; required for the test environment"),
});

export const KichiNoParamsSchema = z.strictObject({});

export const KichiActionParamsSchema = z.strictObject({
  poseType: KichiPoseTypeSchema.describe("stand, sit, lay or floor"),
  action: z.string().trim().min(1).describe("Action name of that pose (case-insensitive)"),
  bubble: z.string().trim().optional().describe("Speech bubble; defaults to the action name"),
  avatarStatus: KichiAvatarStatusSchema.describe("Idle, Busy, Activities or Break: what the room shows you as"),
  log: z.string().optional().describe("Activity log line"),
  verify: z.boolean().optional().describe("Wait for the server's status_ack and report what it actually did"),
  propId: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe("Poseable prop id from RoomContext.PoseableProps; omitted = the server picks the nearest free prop"),
});

const positive = z.number().int().positive();

/** The agent's idle plan: like the wire plan, but every stage names its avatarStatus and every action its log. */
export const KichiIdlePlanParamsSchema = KichiIdlePlanSchema.extend({
  requestId: z.string().min(1).optional(),
  stages: z
    .array(
      z.object({
        name: z.string().min(1),
        purpose: z.string().min(1),
        pomodoroPhase: KichiPomodoroPhaseSchema,
        avatarStatus: KichiAvatarStatusSchema.describe("Idle, Busy, Activities or Break for this stage"),
        durationSeconds: positive,
        actions: z
          .array(
            z.object({
              poseType: KichiPoseTypeSchema,
              action: z.string().min(1),
              durationSeconds: positive,
              bubble: z.string().min(1),
              log: z.string().trim().min(1, "log is required").describe("One first-person sentence for the activity log"),
              propId: KichiPropIdSchema.optional(),
            }),
          )
          .min(1),
      }),
    )
    .min(1),
});
export type KichiIdlePlanParams = z.infer<typeof KichiIdlePlanParamsSchema>;

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

/** A clock as the agent gives it: only the mode and its lengths are required, the rest defaults. */
export const KichiClockInputSchema = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("pomodoro"),
    kichiSeconds: positiveInt.describe("Focus length in seconds"),
    shortBreakSeconds: positiveInt,
    longBreakSeconds: positiveInt,
    sessionCount: positiveInt,
    currentSession: positiveInt.optional().describe("Default 1; at most sessionCount"),
    phase: z.enum(["focus", "shortBreak", "longBreak"]).optional().describe("Default focus"),
    remainingSeconds: nonNegativeInt.optional().describe("Default: the length of the current phase"),
    running: z.boolean().optional().describe("Default true"),
  }),
  z.strictObject({
    mode: z.literal("countDown"),
    durationSeconds: positiveInt,
    remainingSeconds: nonNegativeInt.optional().describe("Default: durationSeconds"),
    running: z.boolean().optional(),
  }),
  z.strictObject({
    mode: z.literal("countUp"),
    elapsedSeconds: nonNegativeInt.optional().describe("Default 0"),
    running: z.boolean().optional(),
  }),
]);
export type KichiClockInput = z.infer<typeof KichiClockInputSchema>;

export const KichiClockParamsSchema = z.strictObject({
  action: z.enum(["set", "stop"]),
  requestId: z.string().min(1).optional(),
  clock: KichiClockInputSchema.optional().describe("Required for set"),
});
export type KichiClockParams = z.infer<typeof KichiClockParamsSchema>;

export const KICHI_PRESENCE_SCOPES = ["current", "today"] as const;
export const KichiQueryStatusParamsSchema = z.strictObject({
  requestId: z.string().min(1).optional(),
  presenceScope: z
    .enum(KICHI_PRESENCE_SCOPES)
    .optional()
    .describe('"current" when asked where you are or what you do, "today" for today\'s plans; omit otherwise (kichiclaw only)'),
});
export const KichiGlanceParamsSchema = z.strictObject({
  requestId: z.string().min(1).optional(),
  target: KichiGlanceTargetSchema.optional().describe("camera (the only target)"),
  duration: z.number().positive().max(60).optional().describe("Seconds, default 1.8"),
});
export const KICHI_BOT_MESSAGE_HISTORY_DEFAULT = 10;
export const KichiBotMessageHistoryParamsSchema = z.strictObject({
  avatarId: z.string().trim().min(1).optional().describe("Only messages from or to this avatar"),
  limit: z
    .number()
    .int()
    .min(1)
    .max(KICHI_BOT_MESSAGE_HISTORY_MAX)
    .optional()
    .describe(`Newest entries to return, default ${KICHI_BOT_MESSAGE_HISTORY_DEFAULT}`),
});

export const KichiMusicAlbumParamsSchema = z.strictObject({
  requestId: z.string().min(1).optional(),
  albumTitle: z.string().trim().min(1, "albumTitle is required"),
  musicTitles: z.array(z.string()).min(1, "musicTitles must be an array of track names").max(58),
});

export const KichiNoteboardParamsSchema = z.strictObject({
  propId: z.string().trim().min(1, "propId is required"),
  data: z.string().describe("Note text, at most 200 characters"),
});

export const KichiBotMessageParamsSchema = z.strictObject({
  toAvatarId: z.string().trim().min(1, "toAvatarId is required").describe('Target avatarId, or "*" to broadcast'),
  depth: z.number().int().min(0, "depth must be a non-negative number").describe("Conversation depth"),
  bubble: z.string().trim().min(1, "bubble is required").describe("2-5 words, visible to everyone"),
  poseType: KichiPoseTypeSchema.optional(),
  action: z.string().trim().min(1).optional(),
  log: z.string().optional(),
});
