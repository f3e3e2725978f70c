import { z } from "zod";
import { ClawhipFormatSchema, ClawhipSinkSchema } from "./config.js";

export const ClawhipTargetKindSchema = z.enum(["discord-channel", "discord-webhook", "slack-webhook"]);
export type ClawhipTargetKind = z.infer<typeof ClawhipTargetKindSchema>;

/**
 * A GitHub CI event waiting to be aggregated with the other jobs of its workflow run
 * (`[dispatch].ci_batch_window_secs`): what the aggregate is built from, and how its route renders it.
 */
export const ClawhipCiBatchItemSchema = z.object({
  repo: z.string(),
  number: z.number().int().min(0).optional(),
  branch: z.string().optional(),
  sha: z.string(),
  url: z.string(),
  workflow: z.string(),
  status: z.string(),
  conclusion: z.string().optional(),
  /** How many jobs the run has (upstream `run_job_count`; 1 when unknown). */
  run_job_count: z.number().int().min(1).optional(),
  /** Whether every job of the run had finished when this event was sent (upstream `run_all_terminal`). */
  run_all_terminal: z.boolean().optional(),
  /** The route's template and mention, to render the aggregate as the route would. */
  template: z.string().optional(),
  mention: z.string().optional(),
});
export type ClawhipCiBatchItem = z.infer<typeof ClawhipCiBatchItemSchema>;

/** One rendered message for one target, as it waits in the spool. */
export const ClawhipDeliveryJobSchema = z.object({
  /** `<event_id>|<route index or "default">|<target kind>|<target>`: the dedupe key. */
  key: z.string().min(1),
  event_id: z.string().min(1),
  event_kind: z.string().min(1),
  sink: ClawhipSinkSchema,
  target: z.object({ kind: ClawhipTargetKindSchema, value: z.string().min(1) }),
  format: ClawhipFormatSchema,
  content: z.string(),
  accepted_at: z.string(),
  /**
   * Set when the delivery may be batched with others (`[dispatch].routine_batch_window_secs`): the
   * group it joins, and its text without the mention (what a batched message is made of).
   */
  batch: z.object({ key: z.string().min(1), body: z.string(), ci: ClawhipCiBatchItemSchema.optional() }).optional(),
});
export type ClawhipDeliveryJob = z.infer<typeof ClawhipDeliveryJobSchema>;

/** One line of the spool journal: a job accepted, delivered, or given up as undeliverable. */
export const ClawhipJournalLineSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("job"), job: ClawhipDeliveryJobSchema }),
  z.object({ t: z.literal("done"), key: z.string().min(1) }),
  z.object({ t: z.literal("dead"), key: z.string().min(1), reason: z.string() }),
]);
export type ClawhipJournalLine = z.infer<typeof ClawhipJournalLineSchema>;
