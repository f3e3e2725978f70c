import { z } from "zod";
import { ClawhipClusterSchema } from "./cluster.js";

/** Message formats every renderer supports. */
export const ClawhipFormatSchema = z.enum(["compact", "alert", "inline", "raw"]);
export type ClawhipFormat = z.infer<typeof ClawhipFormatSchema>;

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
    allow_dynamic_tokens: z.literal(false, { error: "dynamic template tokens are not supported by this clawhip" }).optional(),
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

/** `[monitors.tmux]`: how often the daemon looks at the panes of registered tmux sessions. */
export const ClawhipMonitorsSchema = z.looseObject({
  tmux: z.looseObject({ poll_interval_ms: z.number().int().min(50).max(60_000).default(1000) }).default({ poll_interval_ms: 1000 }),
});

/**
 * One `[[cron.jobs]]` entry: a message the daemon posts on a five-field cron schedule (minute hour
 * day-of-month month day-of-week), or when `clawhip cron run <id>` asks. Times are UTC, as upstream's.
 */
export const ClawhipCronJobSchema = z.strictObject({
  id: nonEmpty,
  schedule: nonEmpty,
  timezone: z.literal("UTC", { error: 'cron timezone: only "UTC" is supported' }).default("UTC"),
  enabled: z.boolean().default(true),
  kind: z.literal("custom-message", { error: 'cron job kind: only "custom-message" is supported' }),
  message: nonEmpty,
  channel: nonEmpty.optional(),
  mention: z.string().optional(),
  format: ClawhipFormatSchema.optional(),
});
export type ClawhipCronJob = z.output<typeof ClawhipCronJobSchema>;

/** `[cron]`: how often the daemon checks the schedules, and the jobs. */
export const ClawhipCronSchema = z.strictObject({
  poll_interval_secs: z.number().int().min(1).max(3600).default(30),
  jobs: z.array(ClawhipCronJobSchema).default([]),
});

/** The whole `clawhip.toml`. Unknown top-level tables (upstream monitors, dispatch, …) are ignored. */
export const ClawhipConfigSchema = z.looseObject({
  defaults: ClawhipDefaultsSchema.default({ format: "compact" }),
  routes: z.array(ClawhipRouteSchema).default([]),
  daemon: ClawhipDaemonSchema.default({
    bind: "127.0.0.1",
    port: 25294,
    body_limit_bytes: 1024 * 1024,
    spool_fsync: "interval",
    spool_fsync_interval_ms: 100,
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
  monitors: ClawhipMonitorsSchema.default({ tmux: { poll_interval_ms: 1000 } }),
  cron: ClawhipCronSchema.default({ poll_interval_secs: 30, jobs: [] }),
  /** `[cluster]`: deliver through a NATS JetStream stream shared by several daemons (absent: the file spool). */
  cluster: ClawhipClusterSchema.optional(),
});
export type ClawhipConfigInput = z.input<typeof ClawhipConfigSchema>;
export type ClawhipConfig = z.output<typeof ClawhipConfigSchema>;
