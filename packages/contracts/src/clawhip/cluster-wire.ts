import { z } from "zod";
import { ClawhipDeliveryJobSchema } from "./spool.js";

/** A job given up (the retry budget spent, or a permanent 4xx), as published to the dead-letter subject. */
export const ClawhipDeadLetterSchema = z.object({
  key: z.string().min(1),
  event_id: z.string().min(1),
  event_kind: z.string().min(1),
  target: z.string(),
  reason: z.string(),
  attempts: z.number().int().min(0),
  at: z.string(),
  daemon: z.string(),
  /** The job itself, to replay by hand (it names the target in full: the stream is as private as the job stream). */
  job: ClawhipDeliveryJobSchema,
});
export type ClawhipDeadLetter = z.infer<typeof ClawhipDeadLetterSchema>;

/** The per-target state in the KV bucket (`target.<hash>`), shared by every daemon. */
export const ClawhipTargetStateSchema = z.object({
  /** The target, redacted (webhook tokens hidden): what status shows. */
  label: z.string(),
  /** GCRA theoretical arrival time (ms since epoch): the rate limit shared by every daemon. */
  tat: z.number(),
  /** Consecutive failures across the cluster; the breaker opens at the threshold. */
  failures: z.number().int().min(0),
  /** No attempt before this time (ms): an open breaker, or a 429's retry_after. */
  blocked_until: z.number(),
});
export type ClawhipTargetState = z.infer<typeof ClawhipTargetStateSchema>;

/** A daemon's heartbeat in the KV bucket (`daemon.<name>`). */
export const ClawhipDaemonBeatSchema = z.object({
  name: z.string(),
  host: z.string(),
  pid: z.number().int(),
  started_at: z.string(),
  seen_at: z.string(),
  delivered: z.number().int().min(0),
  dead: z.number().int().min(0),
  in_flight: z.number().int().min(0),
});
export type ClawhipDaemonBeat = z.infer<typeof ClawhipDaemonBeatSchema>;

/** `clawhip cluster status --json`. */
export const ClawhipClusterStatusSchema = z.object({
  ok: z.literal(true),
  stream: z.object({ name: z.string(), messages: z.number().int().min(0), bytes: z.number().int().min(0) }),
  consumer: z.object({
    name: z.string(),
    /** Jobs not yet handed to any daemon. */
    pending: z.number().int().min(0),
    /** Jobs handed to a daemon and not yet acknowledged (being delivered). */
    ack_pending: z.number().int().min(0),
    /** Jobs handed out more than once (a retry, a deferral, or a daemon that died with it). */
    redelivered: z.number().int().min(0),
  }),
  targets: z.array(
    z.object({
      target: z.string(),
      pending: z.number().int().min(0),
      failures: z.number().int().min(0),
      blocked_until: z.string().nullable(),
    }),
  ),
  dead_letters: z.number().int().min(0),
  daemons: z.array(z.object({ name: z.string(), host: z.string(), pid: z.number().int(), seen_at: z.string(), alive: z.boolean() })),
});
export type ClawhipClusterStatus = z.infer<typeof ClawhipClusterStatusSchema>;
