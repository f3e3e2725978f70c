import { z } from "zod";

/** Fires at `localTime` in `tzid`: once on `date`, repeatedly by `rrule`, or once next time if neither. */
export const RomeScheduleTriggerSchema = z.object({
  type: z.literal("schedule"),
  tzid: z.string().min(1),
  localTime: z.string().min(1),
  date: z.string().optional(),
  rrule: z.string().optional(),
});
export type RomeScheduleTrigger = z.infer<typeof RomeScheduleTriggerSchema>;

export const RomeWebhookTriggerSchema = z.object({
  type: z.literal("webhook"),
  path: z.string().min(1),
  secret: z.string().optional(),
});
export type RomeWebhookTrigger = z.infer<typeof RomeWebhookTriggerSchema>;

/** Holds when the payload value at the dot-path `field`, as a string, equals `equals`. */
export const RomeEventFilterConditionSchema = z.object({ field: z.string().min(1), equals: z.string() });
export type RomeEventFilterCondition = z.infer<typeof RomeEventFilterConditionSchema>;

/** Fires on every bus event named `eventName` whose payload meets all of `filter` (none: every event). */
export const RomeEventBusTriggerSchema = z.object({
  type: z.literal("event-bus"),
  eventName: z.string().min(1),
  sourcePattern: z.string().optional(),
  filter: z.array(RomeEventFilterConditionSchema).optional(),
});
export type RomeEventBusTrigger = z.infer<typeof RomeEventBusTriggerSchema>;

export const RomePollTriggerSchema = z.object({
  type: z.literal("poll"),
  source: z.string().min(1),
  interval: z.string().min(1),
  query: z.record(z.string(), z.unknown()).optional(),
});
export type RomePollTrigger = z.infer<typeof RomePollTriggerSchema>;

export const RomeTriggerSchema = z.discriminatedUnion("type", [
  RomeScheduleTriggerSchema,
  RomeWebhookTriggerSchema,
  RomeEventBusTriggerSchema,
  RomePollTriggerSchema,
]);
export type RomeTrigger = z.infer<typeof RomeTriggerSchema>;

/** A stored routine: `actionName` runs with `args` whenever `trigger` fires. Dates are ISO strings on the wire. */
export const RomeRoutineSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  enabled: z.boolean(),
  trigger: RomeTriggerSchema,
  actionName: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
  createdAt: z.coerce.date(),
  lastFiredAt: z.coerce.date().optional(),
  nextRunAt: z.coerce.date().optional(),
});
export type RomeRoutine = z.infer<typeof RomeRoutineSchema>;

/** Whether a routine was deleted; the active-run check and the delete are one transaction. */
export const RomeDeleteRoutineResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("deleted"), name: z.string() }),
  z.object({ status: z.literal("active-runs"), activeRuns: z.number().int().positive() }),
  z.object({ status: z.literal("not-found") }),
]);
export type RomeDeleteRoutineResult = z.infer<typeof RomeDeleteRoutineResultSchema>;

/**
 * A routine the agent proposes mid-conversation, snapshotted from its `propose_routine` call:
 * `name`/`trigger`/`actionName`/`args` are the create payload, the rest the strings the card shows.
 */
export const RomeRoutineDraftSpecSchema = z.object({
  /** One-line headline of what the routine does. */
  sentence: z.string().min(1),
  name: z.string().min(1),
  /** What triggers it, in human terms. */
  watchLabel: z.string().min(1),
  /** The narrowing of an event trigger in plain words; absent for watch-all and schedules. */
  filterSummary: z.string().optional(),
  /** What Rome does when it fires. */
  thenSummary: z.string().min(1),
  trigger: z.discriminatedUnion("type", [RomeScheduleTriggerSchema, RomeEventBusTriggerSchema]),
  actionName: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
});
export type RomeRoutineDraftSpec = z.infer<typeof RomeRoutineDraftSpecSchema>;
