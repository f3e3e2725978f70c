import { z } from "zod";
import { KichiEnvironmentSchema } from "./common.js";

/** `<agent dir>/state.json`: which Kichi environment the agent uses and whether the Kichi prompt is on. */
export const KichiStateFileSchema = z.object({
  currentEnvironment: KichiEnvironmentSchema.optional(),
  llmRuntimeEnabled: z.boolean().default(true),
  testHost: z.string().min(1).optional(),
});
export type KichiStateFile = z.infer<typeof KichiStateFileSchema>;

/** `<agent dir>/hosts/<host>/identity.json` (0600): the avatar on that host and its auth key. */
export const KichiIdentityFileSchema = z.object({
  avatarId: z.string().min(1),
  authKey: z.string().min(1).optional(),
});
export type KichiIdentityFile = z.infer<typeof KichiIdentityFileSchema>;

/** `environments.json`: the hosted environments' hosts; `test` has none and needs an explicit host. */
export const KichiEnvironmentsSchema = z.object({
  steam: z.string().min(1).nullable(),
  "steam-playtest": z.string().min(1).nullable(),
  test: z.string().min(1).nullable(),
});
export type KichiEnvironments = z.infer<typeof KichiEnvironmentsSchema>;

/** `plugins.entries.kichi-forwarder.config`. Everything is optional; the defaults match upstream. */
export const KichiForwarderConfigSchema = z.strictObject({
  environment: KichiEnvironmentSchema.optional().describe("Environment for agents that have not chosen one with kichi_switch_host"),
  testHost: z.string().min(1).optional().describe("host[:port] used by the test environment when the agent saved none"),
  joinSource: z.string().min(1).optional().describe("The `source` sent with join (default openclaw)"),
  requestTimeoutMs: z.number().int().min(100).max(60_000).optional().describe("How long acks are awaited"),
  reconnect: z
    .strictObject({
      initialDelayMs: z.number().int().min(10).max(60_000).optional(),
      maxDelayMs: z.number().int().min(10).max(600_000).optional(),
      healthyAfterMs: z.number().int().min(0).max(600_000).optional(),
    })
    .optional()
    .describe("Reconnect backoff: first delay, cap, and how long a connection must stay up to reset it"),
  dailySchedulePath: z
    .string()
    .min(1)
    .optional()
    .describe("The mate daily schedule file; default <agent dir>/daily-schedule.json (read for the kichiclaw join source only)"),
  botReplyCooldownMs: z
    .number()
    .int()
    .min(0)
    .max(600_000)
    .optional()
    .describe("Minimum time between two automatic replies of one agent to the same bot (default 5000)"),
});
export type KichiForwarderConfig = z.infer<typeof KichiForwarderConfigSchema>;

/**
 * The local Kichi World server's identities file: every avatar it issued an auth key to. `avatarId` is
 * read as any text so that one entry an older server wrote with an id now refused (`__proto__`) does
 * not make the whole file unreadable: the server skips such entries at load (`KichiAvatarIdSchema`).
 */
export const KichiWorldIdentitiesFileSchema = z.object({
  version: z.literal(1),
  avatars: z.array(
    z.object({
      avatarId: z.string().min(1),
      authKey: z.string().min(1),
      botName: z.string(),
      bio: z.string(),
      tags: z.array(z.string()),
      joinedAt: z.string(),
    }),
  ),
});
export type KichiWorldIdentitiesFile = z.infer<typeof KichiWorldIdentitiesFileSchema>;

/**
 * `<agent dir>/sms-state.json` (0600): when the person at Kichi was last seen and when the agent last got
 * a message, for whoever decides whether to reach out. The counters are kept for the skill that sends.
 */
export const KichiSmsStateFileSchema = z.looseObject({
  /** ISO time of the last join, or of the last status query that found the current user present. */
  lastActiveAt: z.string().optional(),
  /** ISO time of the last inbound message dispatched to the agent. */
  lastMessageReceivedAt: z.string().optional(),
  date: z.string(),
  totalSent: z.number().int().nonnegative(),
  windows: z.object({
    morning: z.number().int().nonnegative(),
    afternoon: z.number().int().nonnegative(),
    evening: z.number().int().nonnegative(),
  }),
  lastTypes: z.array(z.string()),
});
export type KichiSmsStateFile = z.infer<typeof KichiSmsStateFileSchema>;

/** One bot-to-bot message this agent sent or received. Never player chat. */
export const KichiBotMessageRecordSchema = z.object({
  id: z.string().min(1),
  requestId: z.string().optional(),
  at: z.string(),
  direction: z.enum(["sent", "received"]),
  from: z.string(),
  fromName: z.string().optional(),
  to: z.string().optional(),
  depth: z.number().int().nonnegative(),
  bubble: z.string(),
});
export type KichiBotMessageRecord = z.infer<typeof KichiBotMessageRecordSchema>;

/** How many bot messages `bot-message-history.json` keeps (the newest). */
export const KICHI_BOT_MESSAGE_HISTORY_MAX = 30;

/** `<agent dir>/bot-message-history.json` (0600): the newest bot-to-bot messages, oldest first. */
export const KichiBotMessageHistoryFileSchema = z.object({
  version: z.literal(1),
  entries: z.array(KichiBotMessageRecordSchema).max(KICHI_BOT_MESSAGE_HISTORY_MAX),
});
export type KichiBotMessageHistoryFile = z.infer<typeof KichiBotMessageHistoryFileSchema>;
