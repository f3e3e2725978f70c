// An in-memory routines repository and every kind of trigger a routine can have.
import type { DeleteRoutineResult, Routine, RoutinesRepository, Trigger } from "@rome-os/app-runtime";

export const triggers: Trigger[] = [
  { type: "schedule", tzid: "Europe/Rome", localTime: "09:00", rrule: "FREQ=WEEKLY;BYDAY=FR" },
  { type: "schedule", tzid: "UTC", localTime: "18:30", date: "2026-12-24" },
  { type: "webhook", path: "/hooks/deploy", secret: "s3cret" },
  {
    type: "event-bus",
    eventName: "gmail.new_email",
    sourcePattern: "gmail*",
    filter: [{ field: "from.email", equals: "dana@example.com" }],
  },
  { type: "poll", source: "rss", interval: "15m", query: { url: "https://example.com/feed" } },
];

export class MemoryRoutines implements RoutinesRepository {
  readonly #routines = new Map<string, Routine>();
  readonly #running = new Set<string>();

  async create(data: {
    name: string;
    trigger: Trigger;
    actionName: string;
    args: Record<string, unknown>;
    enabled?: boolean;
    nextRunAt?: Date;
  }): Promise<string> {
    const id = `r${this.#routines.size + 1}`;
    this.#routines.set(id, { id, enabled: data.enabled ?? true, createdAt: new Date(0), ...data });
    return id;
  }

  async listRoutines(): Promise<Routine[]> {
    return [...this.#routines.values()];
  }

  async deleteIfNoActiveRuns(id: string): Promise<DeleteRoutineResult> {
    const routine = this.#routines.get(id);
    if (!routine) return { status: "not-found" };
    if (this.#running.has(id)) return { status: "active-runs", activeRuns: 1 };
    this.#routines.delete(id);
    return { status: "deleted", name: routine.name };
  }
}
