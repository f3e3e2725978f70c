import type { ClawhipCronJob, ClawhipCustomPayload } from "@clawbridge/contracts";
import type { IncomingEvent } from "../normalize/incoming.js";

/** A cron field: every value (`*`), or the set it lists. */
interface CronField {
  any: boolean;
  values: ReadonlySet<number>;
}

export interface CronSchedule {
  minute: CronField;
  hour: CronField;
  dayOfMonth: CronField;
  month: CronField;
  dayOfWeek: CronField;
}

/** A schedule that does not parse: the message names the field and what is wrong with it. */
export class CronScheduleError extends Error {
  override name = "CronScheduleError";
}

function fieldValue(raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw new CronScheduleError(`invalid cron value '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new CronScheduleError(`cron value '${raw}' is outside ${min}..=${max}`);
  return value;
}

/** `*`, `5`, `1-5`, `*\/15`, `0-30/10` and comma lists of them; day-of-week 7 is Sunday (0). */
function parseField(spec: string, min: number, max: number, sundayIsSeven: boolean): CronField {
  if (spec === "*") return { any: true, values: new Set() };
  const values = new Set<number>();
  for (const part of spec.split(",")) {
    if (part === "") throw new CronScheduleError(`invalid cron field '${spec}'`);
    const [base = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && !/^\d+$/.test(stepText)) throw new CronScheduleError(`invalid cron step '${stepText}'`);
    if (step < 1) throw new CronScheduleError(`cron step must be at least 1 in '${part}'`);
    let start: number;
    let end: number;
    if (base === "*") [start, end] = [min, max];
    else if (base.includes("-")) {
      const [from = "", to = ""] = base.split("-");
      [start, end] = [fieldValue(from, min, max), fieldValue(to, min, max)];
    } else start = end = fieldValue(base, min, max);
    if (start > end) throw new CronScheduleError(`invalid descending cron range '${part}'`);
    for (let value = start; value <= end; value += step) values.add(sundayIsSeven && value === 7 ? 0 : value);
  }
  return { any: false, values };
}

export function parseCronSchedule(spec: string): CronSchedule {
  const fields = spec.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new CronScheduleError(`cron schedule '${spec}' must have exactly 5 fields (minute hour day-of-month month day-of-week)`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  return {
    minute: parseField(minute, 0, 59, false),
    hour: parseField(hour, 0, 23, false),
    dayOfMonth: parseField(dayOfMonth, 1, 31, false),
    month: parseField(month, 1, 12, false),
    dayOfWeek: parseField(dayOfWeek, 0, 7, true),
  };
}

const has = (field: CronField, value: number) => field.any || field.values.has(value);

/**
 * Whether a UTC minute is on the schedule. As in classic cron, when both day fields are restricted a
 * day matches either of them; when one is `*`, both must match.
 */
export function cronMatches(schedule: CronSchedule, at: Date): boolean {
  const dom = has(schedule.dayOfMonth, at.getUTCDate());
  const dow = has(schedule.dayOfWeek, at.getUTCDay());
  const day = schedule.dayOfMonth.any || schedule.dayOfWeek.any ? dom && dow : dom || dow;
  return (
    has(schedule.minute, at.getUTCMinutes()) && has(schedule.hour, at.getUTCHours()) && has(schedule.month, at.getUTCMonth() + 1) && day
  );
}

/** The `custom` event a job posts, with where it came from. */
export function cronJobEvent(job: ClawhipCronJob): IncomingEvent {
  const payload: ClawhipCustomPayload & Record<string, string> = {
    message: job.message,
    cron_job_id: job.id,
    cron_schedule: job.schedule,
    cron_timezone: job.timezone,
  };
  const event: IncomingEvent = { kind: "custom", payload };
  if (job.channel) event.channel = job.channel;
  if (job.mention) event.mention = job.mention;
  if (job.format) event.format = job.format;
  return event;
}

/** Minutes are checked at most this far back after a late tick (a suspended machine does not flood). */
const MAX_CATCH_UP_MINUTES = 60;

/**
 * Which jobs are due in the minutes after `afterMinute` up to and including `nowMinute` (minutes since
 * the epoch): every minute is looked at once even when ticks are late or 30 s apart. Pure.
 */
export function dueCronEvents(
  jobs: ReadonlyArray<{ job: ClawhipCronJob; schedule: CronSchedule }>,
  afterMinute: number,
  nowMinute: number,
): IncomingEvent[] {
  const events: IncomingEvent[] = [];
  for (let minute = Math.max(afterMinute + 1, nowMinute - MAX_CATCH_UP_MINUTES + 1); minute <= nowMinute; minute += 1) {
    const at = new Date(minute * 60_000);
    for (const { job, schedule } of jobs) if (job.enabled && cronMatches(schedule, at)) events.push(cronJobEvent(job));
  }
  return events;
}

/** Runs the schedules in the daemon: a tick every `pollIntervalMs` posts what became due since the last. */
export class CronRunner {
  readonly #jobs: ReadonlyArray<{ job: ClawhipCronJob; schedule: CronSchedule }>;
  #lastMinute: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    jobs: readonly ClawhipCronJob[],
    private readonly options: {
      pollIntervalMs: number;
      now: () => number;
      emit: (event: IncomingEvent) => Promise<unknown>;
      log: (level: "error", message: string) => void;
    },
  ) {
    this.#jobs = jobs.map((job) => ({ job, schedule: parseCronSchedule(job.schedule) }));
    this.#lastMinute = Math.floor(options.now() / 60_000);
    if (this.#jobs.length > 0) this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      const nowMinute = Math.floor(this.options.now() / 60_000);
      const due = dueCronEvents(this.#jobs, this.#lastMinute, nowMinute);
      this.#lastMinute = Math.max(this.#lastMinute, nowMinute);
      Promise.all(due.map((event) => this.options.emit(event)))
        .catch((error: Error) => this.options.log("error", `cron job failed: ${error.message}`))
        .finally(() => {
          if (this.#timer !== undefined) this.#schedule();
        });
    }, this.options.pollIntervalMs);
    this.#timer.unref();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
