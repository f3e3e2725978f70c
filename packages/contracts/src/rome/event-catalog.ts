import { z } from "zod";

/** A JSON Schema describing an object; kept open because JSON Schema has many more keywords. */
export const RomeJsonObjectSchemaSchema = z.looseObject({
  type: z.literal("object"),
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type RomeJsonObjectSchema = z.infer<typeof RomeJsonObjectSchemaSchema>;

/**
 * One event type in the catalogue. An `observed` payload schema is inferred from the latest non-empty
 * emission: a discovery aid with no `required`, never a contract. A `declared` one is authoritative.
 */
export const RomeEventCatalogEntrySchema = z.object({
  eventType: z.string().min(1),
  appId: z.string().min(1),
  payloadSchema: RomeJsonObjectSchemaSchema.optional(),
  schemaOrigin: z.enum(["observed", "declared"]).optional(),
});
export type RomeEventCatalogEntry = z.infer<typeof RomeEventCatalogEntrySchema>;
