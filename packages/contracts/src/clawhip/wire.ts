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

/** `GET /health`. */
export const ClawhipHealthSchema = z.object({
  ok: z.literal(true),
  version: z.string(),
  pending: z.number().int().min(0),
  delivered: z.number().int().min(0),
  dead: z.number().int().min(0),
});
export type ClawhipHealth = z.infer<typeof ClawhipHealthSchema>;
