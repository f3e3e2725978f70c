import { RomeEventCatalogEntrySchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { inferPayloadSchema } from "./infer-payload-schema.js";

describe("inferPayloadSchema", () => {
  it("describes nested objects and arrays, with no required anywhere", () => {
    const schema = inferPayloadSchema({
      orderId: "o-1",
      total: 12.5,
      paid: true,
      coupon: null,
      customer: { id: 7, address: { city: "Rome", lines: ["Via Appia 1"] } },
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 2, gift: true },
      ],
      matrix: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(schema).toEqual({
      type: "object",
      properties: {
        orderId: { type: "string" },
        total: { type: "number" },
        paid: { type: "boolean" },
        coupon: { type: "null" },
        customer: {
          type: "object",
          properties: {
            id: { type: "number" },
            address: { type: "object", properties: { city: { type: "string" }, lines: { type: "array", items: { type: "string" } } } },
          },
        },
        items: {
          type: "array",
          items: { type: "object", properties: { sku: { type: "string" }, qty: { type: "number" }, gift: { type: "boolean" } } },
        },
        matrix: { type: "array", items: { type: "array", items: { type: "number" } } },
      },
    });
    expect(JSON.stringify(schema)).not.toContain("required");
    expect(
      RomeEventCatalogEntrySchema.safeParse({ eventType: "order.paid", appId: "shop", payloadSchema: schema, schemaOrigin: "observed" })
        .success,
    ).toBe(true);
  });

  it("merges mixed array items into anyOf and leaves empty arrays without items", () => {
    expect(inferPayloadSchema({ tags: [], values: ["a", 1, "b", null, { k: 1 }, { j: "x" }] })).toEqual({
      type: "object",
      properties: {
        tags: { type: "array" },
        values: {
          type: "array",
          items: {
            anyOf: [
              { type: "string" },
              { type: "number" },
              { type: "null" },
              { type: "object", properties: { k: { type: "number" }, j: { type: "string" } } },
            ],
          },
        },
      },
    });
  });

  it("has no schema for an empty or non-object payload, and survives cycles and odd values", () => {
    for (const payload of [undefined, null, {}, [], "text", 3, new Date(0)]) expect(inferPayloadSchema(payload)).toBeUndefined();
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(inferPayloadSchema({ cyclic, when: new Date(0), skipped: undefined })).toEqual({
      type: "object",
      properties: {
        cyclic: { type: "object", properties: { name: { type: "string" }, self: {} } },
        when: {},
      },
    });
  });
});
