import { z } from "zod";

/** Message formats every renderer supports (its own module: config, monitors and sources all use it). */
export const ClawhipFormatSchema = z.enum(["compact", "alert", "inline", "raw"]);
export type ClawhipFormat = z.infer<typeof ClawhipFormatSchema>;
