import { z } from "zod";

/** `clawhip routes test --json` success fields: which deliveries an event produces. */
export const ClawhipRoutePlanSchema = z.object({
  event: z.string(),
  deliveries: z.array(
    z.object({
      route: z.number().int().nullable(),
      sink: z.string(),
      target: z.object({ kind: z.string(), value: z.string() }),
      format: z.string(),
      content: z.string(),
    }),
  ),
  error: z.string().optional(),
});
export type ClawhipRoutePlan = z.infer<typeof ClawhipRoutePlanSchema>;

/**
 * `clawhip explain --json`: why each route fires or not — its event pattern against the event's
 * candidates, every filter's pattern against the event's value — and the deliveries that result.
 */
export const ClawhipExplanationSchema = z.object({
  event_kind: z.string(),
  canonical_kind: z.string(),
  route_candidates: z.array(z.string()),
  routes: z.array(
    z.object({
      route_index: z.number().int(),
      event_pattern: z.string(),
      matched: z.boolean(),
      pattern_matched: z.boolean(),
      filter_results: z.array(z.object({ key: z.string(), pattern: z.string(), actual: z.string().nullable(), matched: z.boolean() })),
      /** A session-name-glob-only route dropped because the event carries path/project metadata. */
      dropped_for_metadata: z.boolean(),
    }),
  ),
  deliveries: ClawhipRoutePlanSchema.shape.deliveries,
  error: z.string().optional(),
});
export type ClawhipExplanation = z.infer<typeof ClawhipExplanationSchema>;
