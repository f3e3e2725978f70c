import { z } from "zod";

export const RomeLogLevelSchema = z.enum(["debug", "info", "warn", "error"]);
export type RomeLogLevel = z.infer<typeof RomeLogLevelSchema>;

/** One line `createAppLogger` writes: a JSON object per line, `data` only when the call gave some. */
export const RomeAppLogLineSchema = z.object({
  timestamp: z.iso.datetime(),
  level: RomeLogLevelSchema,
  component: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type RomeAppLogLine = z.infer<typeof RomeAppLogLineSchema>;
