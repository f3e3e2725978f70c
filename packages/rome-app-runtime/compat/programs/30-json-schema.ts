// Working with JSON Schema through the runtime's own zod: what an action tells the model.
import { type EventCatalogEntry, type JSONSchema, z } from "@rome-os/app-runtime";

const Payload = z.object({ orderId: z.string(), total: z.number(), rush: z.boolean().default(false) });
type Payload = z.infer<typeof Payload>;

export const declared: EventCatalogEntry = {
  eventType: "orders.placed",
  appId: "orders",
  payloadSchema: z.toJSONSchema(Payload) as JSONSchema.ObjectSchema,
  schemaOrigin: "declared",
};

export function requiredFields(schema: JSONSchema.ObjectSchema | undefined): string[] {
  return schema?.required ?? [];
}

export const sample: Payload = Payload.parse({ orderId: "o1", total: 9.5 });
