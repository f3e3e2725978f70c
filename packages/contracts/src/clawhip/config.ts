import { z } from "zod";
import { isPrototypeKey } from "../record-id.js";
import { ClawhipClusterSchema } from "./cluster.js";
import { ClawhipFormatSchema } from "./format.js";
import { ClawhipMonitorsSchema } from "./monitors.js";
import { ClawhipUpdateSchema } from "./update.js";

export { type ClawhipFormat, ClawhipFormatSchema } from "./format.js";

export const ClawhipSinkSchema = z.enum(["discord", "slack"]);
export type ClawhipSink = z.infer<typeof ClawhipSinkSchema>;

const nonEmpty = z.string().trim().min(1);

/** `[defaults]`: where and how an event goes when no route matches. */
export const ClawhipDefaultsSchema = z.strictObject({
  channel: nonEmpty.optional(),
  format: ClawhipFormatSchema.default("compact"),
});

/**
 * One `[[routes]]` entry. `filter` is a table of string globs over the flattened event (dotted keys
 * for nested payload fields); non-string filter values are rejected like upstream's config loader.
 */
export const ClawhipRouteSchema = z
  .strictObject({
    event: nonEmpty,
    filter: z
      .preprocess(
        (value, ctx) => {
          // zod, like any plain object, cannot hold a `__proto__` key: it would drop it silently and
          // widen the route to every event, so it is refused by name before the record is built.
          if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__"))
            ctx.issues.push({ code: "custom", message: "filter key '__proto__' is reserved", input: value });
          return value;
        },
        z.record(z.string(), z.string({ error: 'filter values must be strings (quote numbers: "65")' })),
      )
      .default({}),
    sink: ClawhipSinkSchema.optional(),
    channel: nonEmpty.optional(),
    webhook: z.url().optional(),
    slack_webhook: z.url().optional(),
    mention: z.string().optional(),
    format: ClawhipFormatSchema.optional(),
    template: z.string().optional(),
    /**
     * Expand `{now}`, `{iso_time}`, `{env:NAME}`, `{sh:command}`, `{tmux_tail:target:lines}` and
     * `{file_tail:path:lines}` in this route's template (and in `custom` messages). Off by default: `sh`
     * runs a shell command on the daemon's host.
     */
    allow_dynamic_tokens: z.boolean().default(false),
  })
  // The messages are upstream's own (config.rs validate); the loader prefixes `route #N (<event>)`.
  .superRefine((route, ctx) => {
    const sink = route.sink ?? (route.slack_webhook ? "slack" : "discord");
    if (sink === "discord" && route.slack_webhook && route.sink === "discord") {
      ctx.addIssue({ code: "custom", message: "a discord route cannot set slack_webhook" });
    }
    if (sink === "discord" && route.channel && route.webhook) {
      ctx.addIssue({ code: "custom", message: "cannot set both channel and webhook" });
    }
    if (sink === "slack") {
      if (!route.slack_webhook && !route.webhook)
        ctx.addIssue({ code: "custom", message: 'must set webhook or slack_webhook when sink = "slack"' });
      if (route.channel) ctx.addIssue({ code: "custom", message: 'cannot set channel when sink = "slack"' });
      if (route.webhook && route.slack_webhook)
        ctx.addIssue({ code: "custom", message: "cannot set both webhook and slack_webhook for Slack delivery" });
    }
  });
export type ClawhipRoute = z.infer<typeof ClawhipRouteSchema>;

export const ClawhipSpoolFsyncSchema = z.enum(["always", "interval", "never"]);
export type ClawhipSpoolFsync = z.infer<typeof ClawhipSpoolFsyncSchema>;

/**
 * `[daemon]`: the ingress server. Loopback by default; the token is optional (upstream has none). The
 * connection cap and the timeouts bound what slow or idle clients can hold.
 */
export const ClawhipDaemonSchema = z
  .strictObject({
    bind: nonEmpty.default("127.0.0.1"),
    port: z.number().int().min(0).max(65535).default(25294),
    base_url: z.url().optional(),
    token: z.string().min(16, "daemon token: at least 16 characters").optional(),
    body_limit_bytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    state_dir: nonEmpty.optional(),
    /**
     * When the spool is flushed to stable storage. Every mode writes an event's jobs to the spool file
     * before its 202, so a crash or kill -9 of the daemon loses nothing (the kernel holds the write).
     * `interval`: fdatasync in the background at most every `spool_fsync_interval_ms`, so a power loss
     * or OS crash can lose at most that window. `always`: each 202 waits for a group-committed
     * fdatasync. `never`: the kernel flushes when it likes.
     */
    spool_fsync: ClawhipSpoolFsyncSchema.default("interval"),
    spool_fsync_interval_ms: z.number().int().min(1).max(60_000).default(100),
    /**
     * Pending deliveries per target held in memory. Past that, a target's backlog waits in the spool
     * file only and is read back in order as it is delivered: a dead target costs disk, not memory.
     */
    spool_resident_jobs: z.number().int().min(1).max(1_000_000).default(1000),
    /** Open connections past which a new one is refused with a 503. */
    max_connections: z.number().int().min(1).max(65_535).default(512),
    /** Time a client has to send its request headers. */
    headers_timeout_ms: z.number().int().min(100).max(600_000).default(10_000),
    /** Time a client has to send its whole request, body included (a trickled body is cut off with a 408). */
    request_timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
    /** How long an idle keep-alive connection is kept open. */
    keep_alive_timeout_ms: z.number().int().min(100).max(600_000).default(5_000),
  })
  .refine((daemon) => daemon.headers_timeout_ms <= daemon.request_timeout_ms, {
    error: "headers_timeout_ms must not exceed request_timeout_ms",
    path: ["headers_timeout_ms"],
  });

/** `[delivery]`: retry, circuit breaker and rate limit, per target. */
export const ClawhipDeliverySchema = z.strictObject({
  backoff_base_ms: z.number().int().min(1).default(500),
  backoff_max_ms: z.number().int().min(1).default(300_000),
  breaker_threshold: z.number().int().min(1).default(5),
  breaker_cooldown_ms: z.number().int().min(1).default(30_000),
  rate_per_sec: z.number().positive().default(5),
  rate_burst: z.number().int().min(1).default(5),
  request_timeout_ms: z.number().int().min(100).default(15_000),
  dedupe_window: z.number().int().min(100).default(100_000),
});

export const ClawhipDiscordProviderSchema = z.strictObject({
  token: z.string().min(1).optional(),
  api_base: z.url().default("https://discord.com/api/v10"),
});

/**
 * `[github]`: the webhook ingress `POST /github`. Every delivery must carry a valid `X-Hub-Signature-256`
 * for this secret (the env `CLAWHIP_GITHUB_WEBHOOK_SECRET` wins); without a secret the route refuses all.
 */
export const ClawhipGithubSchema = z.strictObject({
  webhook_secret: z.string().min(16, "github webhook_secret: at least 16 characters").optional(),
});

/** Whether the runtime's Intl knows an IANA time zone name (`UTC`, `Europe/Berlin`, `Asia/Seoul`). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * One `[[cron.jobs]]` entry: a message the daemon posts on a five-field cron schedule (minute hour
 * day-of-month month day-of-week) read in `timezone`, or when `clawhip cron run <id>` asks.
 */
export const ClawhipCronJobSchema = z.strictObject({
  /** Also a key of `cron-state.json`, so the names of Object.prototype's members are refused. */
  id: nonEmpty.refine((id) => !isPrototypeKey(id), { error: (issue) => `cron job id '${String(issue.input)}' is reserved` }),
  schedule: nonEmpty,
  /** An IANA zone name; the schedule's fields are wall-clock time there (upstream accepts UTC only). */
  timezone: nonEmpty
    .refine(isKnownTimeZone, {
      error: (issue) => `unknown time zone '${String(issue.input)}' (use an IANA name such as "UTC" or "Europe/Berlin")`,
    })
    .default("UTC"),
  enabled: z.boolean().default(true),
  kind: z.literal("custom-message", { error: 'cron job kind: only "custom-message" is supported' }),
  message: nonEmpty,
  channel: nonEmpty.optional(),
  mention: z.string().optional(),
  format: ClawhipFormatSchema.optional(),
  /**
   * A JSON file read before each scheduled run (upstream's zero-backlog gate): when it reports
   * `open_issues = 0` and `open_prs = 0` and has not changed since the job last fired, the run posts a
   * hardening suggestion instead of the message. Missing or unreadable: the job fires as usual.
   */
  state_file: nonEmpty.optional(),
});
export type ClawhipCronJob = z.output<typeof ClawhipCronJobSchema>;

/**
 * `<state dir>/cron-state.json`: what the scheduler has done, so a restart neither re-fires a minute
 * already handled nor forgets the zero-backlog gate (upstream's `CronSchedulerState`).
 */
export const ClawhipCronStateSchema = z.object({
  /** Minutes since the epoch (UTC) up to which every job's schedule has been looked at. */
  last_processed_minute: z.number().int().nullable().default(null),
  /** Per job: the fingerprint of its `state_file` when it last fired. */
  job_fingerprints: z.record(z.string(), z.string()).default({}),
  /** Per job: consecutive runs suppressed at the same zero-backlog fingerprint (picks the suggestion). */
  zero_backlog_counters: z.record(z.string(), z.number().int().min(0)).default({}),
});
export type ClawhipCronState = z.output<typeof ClawhipCronStateSchema>;

/**
 * `[dispatch]`: Discord batching. Routine deliveries (not `*.failed`, `*.blocked`, `tmux.stale` or
 * `github.ci-*`) of the same kind to the same target with the same format, mention and template that
 * arrive within `routine_batch_window_secs` of the first go out as one message (bodies joined by a line
 * break, without the mention). 0 turns batching off.
 */
export const ClawhipDispatchSchema = z.strictObject({
  routine_batch_window_secs: z
    .number({ error: "must be a whole number of seconds" })
    .int("must be a whole number of seconds")
    .min(0, "must be 0 (off) or more")
    .max(3600, "must be at most 3600")
    .default(0),
  /**
   * When set: GitHub CI events of one workflow run (same repo, number, sha and run) arriving within this
   * many seconds of the first are sent as one aggregate per route target (`✅ CI passed · repo · 2/2
   * passed · Build, Test`), early once every job of the run has finished. Unset: each is sent as it
   * comes (upstream always aggregates, with 30 s).
   */
  ci_batch_window_secs: z
    .number({ error: "must be a whole number of seconds" })
    .int("must be a whole number of seconds")
    .min(1, "must be at least 1")
    .max(3600, "must be at most 3600")
    .optional(),
});

/** `[cron]`: how often the daemon checks the schedules, and the jobs. */
export const ClawhipCronSchema = z.strictObject({
  poll_interval_secs: z.number().int().min(1).max(3600).default(30),
  jobs: z.array(ClawhipCronJobSchema).default([]),
});

/** The whole `clawhip.toml`. Unknown top-level tables (upstream's other monitors, …) are ignored. */
export const ClawhipConfigSchema = z
  .looseObject({
    defaults: ClawhipDefaultsSchema.default({ format: "compact" }),
    routes: z.array(ClawhipRouteSchema).default([]),
    daemon: ClawhipDaemonSchema.default({
      bind: "127.0.0.1",
      port: 25294,
      body_limit_bytes: 1024 * 1024,
      spool_fsync: "interval",
      spool_fsync_interval_ms: 100,
      spool_resident_jobs: 1000,
      max_connections: 512,
      headers_timeout_ms: 10_000,
      request_timeout_ms: 30_000,
      keep_alive_timeout_ms: 5_000,
    }),
    delivery: ClawhipDeliverySchema.default({
      backoff_base_ms: 500,
      backoff_max_ms: 300_000,
      breaker_threshold: 5,
      breaker_cooldown_ms: 30_000,
      rate_per_sec: 5,
      rate_burst: 5,
      request_timeout_ms: 15_000,
      dedupe_window: 100_000,
    }),
    providers: z.looseObject({ discord: ClawhipDiscordProviderSchema.optional() }).default({}),
    github: ClawhipGithubSchema.default({}),
    monitors: ClawhipMonitorsSchema.prefault({}),
    update: ClawhipUpdateSchema.prefault({}),
    cron: ClawhipCronSchema.default({ poll_interval_secs: 30, jobs: [] }),
    dispatch: ClawhipDispatchSchema.default({ routine_batch_window_secs: 0 }),
    /** `[cluster]`: deliver through a NATS JetStream stream shared by several daemons (absent: the file spool). */
    cluster: ClawhipClusterSchema.optional(),
  })
  .superRefine((config, ctx) => {
    // Batch windows are held by one daemon's dispatcher; in cluster mode any daemon delivers any job, so a
    // window would not hold. Refused rather than silently sent one by one.
    if (!config.cluster) return;
    const { routine_batch_window_secs: routine, ci_batch_window_secs: ci } = config.dispatch;
    if (routine > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["dispatch", "routine_batch_window_secs"],
        message: "batching is not available in cluster mode ([cluster]); set 0",
      });
    }
    if (ci !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["dispatch", "ci_batch_window_secs"],
        message: "batching is not available in cluster mode ([cluster]); remove it",
      });
    }
  });
export type ClawhipConfigInput = z.input<typeof ClawhipConfigSchema>;
export type ClawhipConfig = z.output<typeof ClawhipConfigSchema>;
