import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ClawhipCronJob, type ClawhipCronState, ClawhipCronStateSchema } from "@clawbridge/contracts";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";
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

/** A minute's wall-clock fields in a time zone. */
export interface LocalMinute {
  minute: number;
  hour: number;
  day: number;
  month: number;
  /** 0 = Sunday. */
  weekday: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall-clock fields of an instant in an IANA time zone (Intl, so the runtime's zone data decides
 * offsets and daylight saving). UTC is read directly.
 */
export function localMinute(at: Date, timeZone: string): LocalMinute {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") {
    return {
      minute: at.getUTCMinutes(),
      hour: at.getUTCHours(),
      day: at.getUTCDate(),
      month: at.getUTCMonth() + 1,
      weekday: at.getUTCDay(),
    };
  }
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return {
    minute: Number(parts.minute),
    hour: Number(parts.hour),
    day: Number(parts.day),
    month: Number(parts.month),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ""),
  };
}

/**
 * Whether a minute is on the schedule, read in `timeZone` (default UTC). As in classic cron, when both
 * day fields are restricted a day matches either of them; when one is `*`, both must match. Every UTC
 * minute is looked at once, so a wall-clock time that daylight saving skips does not fire that day, and
 * one it repeats fires twice.
 */
export function cronMatches(schedule: CronSchedule, at: Date, timeZone = "UTC"): boolean {
  const local = localMinute(at, timeZone);
  const dom = has(schedule.dayOfMonth, local.day);
  const dow = has(schedule.dayOfWeek, local.weekday);
  const day = schedule.dayOfMonth.any || schedule.dayOfWeek.any ? dom && dow : dom || dow;
  return has(schedule.minute, local.minute) && has(schedule.hour, local.hour) && has(schedule.month, local.month) && day;
}

/** What a job's `state_file` says: its canonical text and whether it reports no open issues or PRs. */
export interface StateEvaluation {
  fingerprint: string;
  zeroBacklog: boolean;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;

/**
 * Evaluates a state file's text (upstream `evaluate_state_file`): undefined when blank or not JSON, so
 * the job fires as usual. The fingerprint is the JSON with sorted keys and no whitespace, so only a
 * change of content counts; a missing counter counts as open work.
 */
export function evaluateStateText(text: string): StateEvaluation | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const record = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const openIssues = isCount(record.open_issues) ? record.open_issues : 1;
  const openPrs = isCount(record.open_prs) ? record.open_prs : 1;
  return { fingerprint: canonicalJson(value), zeroBacklog: openIssues === 0 && openPrs === 0 };
}

/** Reads and evaluates a job's state file; unreadable is the same as absent (the job fires). */
export async function readStateFile(path: string): Promise<StateEvaluation | undefined> {
  try {
    return evaluateStateText(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * A job is held back only when its state file reports a zero backlog and has not changed since the
 * job last fired (upstream `should_suppress`).
 */
export function shouldSuppress(state: StateEvaluation | undefined, previousFingerprint: string | undefined): boolean {
  return state?.zeroBacklog === true && previousFingerprint === state.fingerprint;
}

/** The `custom` event a job posts, with where it came from and, with a state file, what it said. */
export function cronJobEvent(job: ClawhipCronJob, state?: StateEvaluation): IncomingEvent {
  return customEvent(job, job.message, state, {});
}

function customEvent(
  job: ClawhipCronJob,
  message: string,
  state: StateEvaluation | undefined,
  extra: Record<string, unknown>,
): IncomingEvent {
  const payload: Record<string, unknown> = {
    message,
    cron_job_id: job.id,
    cron_schedule: job.schedule,
    cron_timezone: job.timezone,
    ...extra,
  };
  if (state) {
    payload.repo_state_fingerprint = state.fingerprint;
    payload.repo_state_zero_backlog = state.zeroBacklog;
  }
  const event: IncomingEvent = { kind: "custom", payload };
  if (job.channel) event.channel = job.channel;
  if (job.mention) event.mention = job.mention;
  if (job.format) event.format = job.format;
  return event;
}

/**
 * What a quiet run suggests instead of repeating itself: one item per consecutive suppressed run, in
 * turn (upstream rotates through a list of its own in the same way; the wording here is ours).
 */
export const HARDENING_SUGGESTIONS: ReadonlyArray<readonly [lane: string, why: string]> = [
  ["review noisy keyword alerts", "keyword hits that led nowhere are worth a tighter pattern"],
  ["check the channel routes", "a route to a renamed or archived channel fails only when it is needed"],
  ["revisit this job's schedule", "a reminder that keeps finding nothing may run more often than work arrives"],
  ["look for repeated identical notifications", "the same message again and again may mean a stale state file"],
  ["tidy long-lived branches", "branches that drift from main cost more the longer they wait"],
];

/** The event a suppressed run posts: the `cycle`-th suggestion (1-based), with the gate's state. */
export function hardeningEvent(job: ClawhipCronJob, state: StateEvaluation | undefined, cycle: number): IncomingEvent {
  const [lane, why] = HARDENING_SUGGESTIONS[(cycle - 1) % HARDENING_SUGGESTIONS.length] as readonly [string, string];
  return customEvent(job, `[zero-backlog hardening] ${lane} — ${why}`, state, { hardening_cycle: cycle, hardening_lane: lane });
}

/** Minutes are checked at most this far back after a late tick or a restart (a long outage does not flood). */
export const MAX_CATCH_UP_MINUTES = 60;

export interface CronTick {
  events: IncomingEvent[];
  state: ClawhipCronState;
}

/**
 * One scheduler pass (upstream `emit_due`), pure: every minute after the last one processed up to
 * `nowMinute` (at most MAX_CATCH_UP_MINUTES back; only the current one when nothing was processed yet)
 * is matched against each enabled job in its time zone. A due job with a state file that has not moved
 * from a zero backlog posts a hardening suggestion instead, and counts the quiet run. Each event carries
 * an id made of the job and the minute, so a pass repeated after a crash is deduplicated by the spool.
 */
export function cronTick(
  jobs: ReadonlyArray<{ job: ClawhipCronJob; schedule: CronSchedule }>,
  previous: ClawhipCronState,
  nowMinute: number,
  stateOf: (job: ClawhipCronJob) => StateEvaluation | undefined,
): CronTick {
  const state: ClawhipCronState = {
    last_processed_minute: nowMinute,
    job_fingerprints: { ...previous.job_fingerprints },
    zero_backlog_counters: { ...previous.zero_backlog_counters },
  };
  const events: IncomingEvent[] = [];
  const after = previous.last_processed_minute ?? nowMinute - 1;
  for (let minute = Math.max(after + 1, nowMinute - MAX_CATCH_UP_MINUTES + 1); minute <= nowMinute; minute += 1) {
    const at = new Date(minute * 60_000);
    for (const { job, schedule } of jobs) {
      if (!job.enabled || !cronMatches(schedule, at, job.timezone)) continue;
      const evaluation = job.state_file === undefined ? undefined : stateOf(job);
      // Job ids are never prototype keys (the config refuses them); hasOwn keeps a hand-edited state file honest.
      const previousFingerprint = Object.hasOwn(state.job_fingerprints, job.id) ? state.job_fingerprints[job.id] : undefined;
      let event: IncomingEvent;
      if (shouldSuppress(evaluation, previousFingerprint)) {
        const cycle = (Object.hasOwn(state.zero_backlog_counters, job.id) ? (state.zero_backlog_counters[job.id] ?? 0) : 0) + 1;
        state.zero_backlog_counters[job.id] = cycle;
        event = hardeningEvent(job, evaluation, cycle);
      } else {
        delete state.zero_backlog_counters[job.id];
        if (evaluation) state.job_fingerprints[job.id] = evaluation.fingerprint;
        event = cronJobEvent(job, evaluation);
      }
      (event.payload as Record<string, unknown>).event_id = `cron-${job.id}-${minute}`;
      events.push(event);
    }
  }
  return { events, state };
}

export const CRON_STATE_FILE = "cron-state.json";

/**
 * Runs the schedules in the daemon: a tick every `pollIntervalMs` posts what became due since the last
 * processed minute, then records that minute (and the state-file gate) in `<stateDir>/cron-state.json`,
 * so a restart neither fires a minute twice nor forgets the gate. The record is written only once every
 * event of the pass is spooled: a failed pass is tried again by the next tick.
 */
export class CronRunner {
  readonly #jobs: ReadonlyArray<{ job: ClawhipCronJob; schedule: CronSchedule }>;
  readonly #statePath: string;
  #state: ClawhipCronState;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  private constructor(
    jobs: readonly ClawhipCronJob[],
    statePath: string,
    state: ClawhipCronState,
    private readonly options: CronRunnerOptions,
  ) {
    this.#jobs = jobs.map((job) => ({ job, schedule: parseCronSchedule(job.schedule) }));
    this.#statePath = statePath;
    this.#state = state;
  }

  static async start(jobs: readonly ClawhipCronJob[], options: CronRunnerOptions): Promise<CronRunner> {
    const statePath = join(options.stateDir, CRON_STATE_FILE);
    let state = ClawhipCronStateSchema.parse({});
    if (jobs.length > 0) {
      const read = await readJsonFile(statePath, ClawhipCronStateSchema);
      if (read.status === "ok") state = read.value;
      if (read.status === "corrupt")
        options.log("error", `cron state ${statePath} was unreadable (${read.reason}); kept as ${read.movedTo}, starting afresh`);
    }
    const runner = new CronRunner(jobs, statePath, state, options);
    if (jobs.length > 0 && options.pollIntervalMs > 0) runner.#schedule();
    return runner;
  }

  /** One pass now (the timer calls it; tests call it with their own clock). */
  tick(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    const nowMinute = Math.floor(this.options.now() / 60_000);
    // Gated jobs' files are read each pass (small JSON files), so the pure pass needs no I/O.
    const states = new Map<string, StateEvaluation | undefined>();
    for (const { job } of this.#jobs) if (job.state_file !== undefined) states.set(job.id, await readStateFile(job.state_file));
    const { events, state } = cronTick(this.#jobs, this.#state, nowMinute, (job) => states.get(job.id));
    try {
      for (const event of events) await this.options.emit(event);
    } catch (error) {
      this.options.log("error", `cron job failed: ${(error as Error).message}; the next tick tries again`);
      // The next pass starts where this one did, also when nothing had been processed before.
      this.#state = { ...this.#state, last_processed_minute: this.#state.last_processed_minute ?? nowMinute - 1 };
      return;
    }
    this.#state = state;
    try {
      await writeJsonAtomic(this.#statePath, state);
    } catch (error) {
      this.options.log("error", `could not record cron state in ${this.#statePath}: ${(error as Error).message}`);
    }
  }

  get state(): ClawhipCronState {
    return this.#state;
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      void this.tick().finally(() => {
        if (this.#timer !== undefined) this.#schedule();
      });
    }, this.options.pollIntervalMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}

export interface CronRunnerOptions {
  /** Where `cron-state.json` is kept. */
  stateDir: string;
  /** 0: no timer (a test drives `tick`). */
  pollIntervalMs: number;
  now: () => number;
  emit: (event: IncomingEvent) => Promise<unknown>;
  log: (level: "error", message: string) => void;
}
