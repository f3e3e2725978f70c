import { z } from "zod";

/** The one error shape every clawbridge surface reports: a stable machine code and a human message. */
export const ErrorShapeSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
});
export type ErrorShape = z.infer<typeof ErrorShapeSchema>;
