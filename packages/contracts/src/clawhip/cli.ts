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
