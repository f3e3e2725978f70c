import { z } from "zod";
import type { JSONSchema } from "zod/v4/core";

const objectSchemaShape = z.looseObject({
  type: z.literal("object"),
  properties: z.record(z.string(), z.union([z.boolean(), z.record(z.string(), z.unknown())])).optional(),
  required: z.array(z.string()).optional(),
});

/**
 * A JSON Schema describing an object, typed as zod's `JSONSchema.ObjectSchema` (the type app code reads
 * `.properties` and `.required` through). Only the keywords app code relies on are checked; the rest of
 * JSON Schema's vocabulary passes through untouched.
 */
export const RomeJsonObjectSchemaSchema = z.custom<JSONSchema.ObjectSchema>(
  (value) => objectSchemaShape.safeParse(value).success,
  'expected a JSON Schema of `type: "object"` (properties: an object of schemas, required: an array of names)',
);
export type RomeJsonObjectSchema = JSONSchema.ObjectSchema;

/** A producer app's declaration that it can currently emit `eventType` (what a routine's event-bus trigger binds to). */
export const RomeEventCatalogEntrySchema = z.object({
  eventType: z.string().min(1),
  appId: z.string().min(1),
  /**
   * An `observed` schema is inferred from the latest non-empty emission: a discovery aid for routine filters
   * with no `required`, never a contract. A `declared` one is authoritative.
   */
  payloadSchema: RomeJsonObjectSchemaSchema.optional(),
  schemaOrigin: z.enum(["observed", "declared"]).optional(),
});
export type RomeEventCatalogEntry = z.infer<typeof RomeEventCatalogEntrySchema>;
