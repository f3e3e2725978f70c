import { type KichiQueryStatusResultFrame, mateScheduleAt } from "@clawbridge/contracts";
import type { DailyScheduleRead } from "../runtime/store.js";

export type PresenceScope = "current" | "today";

/**
 * Where the avatar is, for a `presenceScope` query: the live room while the avatar is in the scene,
 * else the schedule's slot for this hour; for `today`, also the rest of the day from the schedule.
 * Pure: the caller reads the schedule (only when it is needed) and passes the time.
 */
export function resolvePresence(
  result: Pick<KichiQueryStatusResultFrame, "isAvatarInScene">,
  scope: PresenceScope,
  schedule: DailyScheduleRead | undefined,
  now: Date,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (typeof result.isAvatarInScene !== "boolean") {
    return { ok: false, error: "The Kichi status result has no isAvatarInScene, so presence cannot be resolved" };
  }
  const currentSource = result.isAvatarInScene ? "kichi_room" : "daily_schedule";
  if (!needsSchedule(result.isAvatarInScene, scope)) return { ok: true, value: { scope, currentSource } };
  if (!schedule?.ok) return { ok: false, error: `Cannot resolve presence from the daily schedule: ${schedule?.error ?? "not read"}` };
  const at = mateScheduleAt(schedule.schedule, now);
  if (!at.ok) return { ok: false, error: `Cannot resolve presence from the daily schedule: ${at.error}` };
  const dailySchedule = {
    date: at.date,
    timezone: schedule.schedule.timezone,
    currentHour: at.hour,
    currentSlot: at.current,
    ...(scope === "today" ? { activeArcs: schedule.schedule.activeArcs, upcomingSlots: at.upcoming } : {}),
  };
  return { ok: true, value: { scope, currentSource, dailySchedule } };
}

/** The schedule is read for today's plans, and for the current place while the avatar is out of the scene. */
export function needsSchedule(isAvatarInScene: boolean | undefined, scope: PresenceScope): boolean {
  return scope === "today" || isAvatarInScene === false;
}
