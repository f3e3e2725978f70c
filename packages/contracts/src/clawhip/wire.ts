import { z } from "zod";
import { ClawhipFormatSchema } from "./config.js";

/**
 * A canonical event after normalization: its kind, the event-level routing hints, and the payload
 * with every backfilled metadata field at the top level.
 */
export const ClawhipEventSchema = z.object({
  kind: z.string().min(1),
  channel: z.string().optional(),
  mention: z.string().optional(),
  format: ClawhipFormatSchema.optional(),
  template: z.string().optional(),
  payload: z.record(z.string(), z.unknown()),
});
export type ClawhipEvent = z.infer<typeof ClawhipEventSchema>;

/** 202 body of every ingress route. */
export const ClawhipAcceptedSchema = z.object({ ok: z.literal(true), type: z.string(), event_id: z.uuid() });
export type ClawhipAccepted = z.infer<typeof ClawhipAcceptedSchema>;

/** 4xx/5xx body of every ingress route: upstream's shape, a plain message naming the problem. */
export const ClawhipErrorBodySchema = z.object({ ok: z.literal(false), error: z.string() });
export type ClawhipErrorBody = z.infer<typeof ClawhipErrorBodySchema>;

/**
 * `GET /health` (and `clawhip status`). The daemon adds where it listens, where its Discord bot token
 * comes from (`env`, `config` or `missing`; never the token), and what it watches; the plugin's routes
 * leave those out.
 */
export const ClawhipHealthSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  pending: z.number().int().min(0),
  delivered: z.number().int().min(0),
  dead: z.number().int().min(0),
  token_source: z.enum(["env", "config", "missing"]).optional(),
  webhook_routes_configured: z.boolean().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  daemon_base_url: z.string().nullable().optional(),
  registered_tmux_sessions: z.number().int().min(0).optional(),
  configured_tmux_monitors: z.number().int().min(0).optional(),
  github_poller_repos: z.number().int().min(0).optional(),
  workspace_monitors: z.number().int().min(0).optional(),
  configured_cron_jobs: z.number().int().min(0).optional(),
  github_webhook_configured: z.boolean().optional(),
  /** Cluster mode only: this daemon's name, whether it reaches NATS now, and its own counters. */
  cluster: z
    .object({
      daemon: z.string(),
      connected: z.boolean(),
      /** Jobs handed back to the stream to wait for a rate limit or an open breaker. */
      deferred: z.number().int().min(0),
      /** Deliveries whose ack the server did not confirm (the job may be delivered again). */
      unconfirmed_acks: z.number().int().min(0),
      /** Jobs handed back unsent because the connection was lost while this daemon held them. */
      released: z.number().int().min(0),
    })
    .optional(),
});
export type ClawhipHealth = z.infer<typeof ClawhipHealthSchema>;

/** `agent.started|blocked|finished|failed` as `clawhip agent …` builds it (upstream's legacy shell contract). */
export const ClawhipAgentPayloadSchema = z.object({
  agent_name: z.string().min(1),
  status: z.enum(["started", "blocked", "finished", "failed"]),
  session_id: z.string().optional(),
  project: z.string().optional(),
  elapsed_secs: z.number().int().min(0).optional(),
  summary: z.string().optional(),
  error_message: z.string().optional(),
  mention: z.string().optional(),
});
export type ClawhipAgentPayload = z.infer<typeof ClawhipAgentPayloadSchema>;

/** `custom` as `clawhip send` builds it: a message, sent as written. */
export const ClawhipCustomPayloadSchema = z.object({ message: z.string().min(1) });
export type ClawhipCustomPayload = z.infer<typeof ClawhipCustomPayloadSchema>;
