import type { RomeJsonObjectSchema } from "@clawbridge/contracts";

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of one observed event payload, for the event catalogue: a discovery aid for routine
 * filters, not a contract. It never says `required` (one sample cannot establish requiredness), and it is
 * `undefined` for a payload that is not a non-empty plain object, as the catalogue keeps none for those.
 * Array items observed with different shapes merge (object properties unite; other types become `anyOf`).
 */
export function inferPayloadSchema(payload: unknown): RomeJsonObjectSchema | undefined {
  if (!isPlainObject(payload) || Object.keys(payload).length === 0) return undefined;
  return infer(payload, new Set()) as RomeJsonObjectSchema;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function infer(value: unknown, ancestors: Set<object>): JsonSchema {
  if (value === null) return { type: "null" };
  switch (typeof value) {
    case "string":
      return { type: "string" };
    case "boolean":
      return { type: "boolean" };
    case "number":
      return { type: "number" };
  }
  if (Array.isArray(value)) {
    if (ancestors.has(value)) return {};
    ancestors.add(value);
    const items = value
      .map((item) => infer(item, ancestors))
      .reduce<JsonSchema | undefined>((merged, next) => (merged ? merge(merged, next) : next), undefined);
    ancestors.delete(value);
    return items ? { type: "array", items } : { type: "array" };
  }
  if (isPlainObject(value)) {
    if (ancestors.has(value)) return {};
    ancestors.add(value);
    const properties: Record<string, JsonSchema> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) properties[key] = infer(item, ancestors);
    }
    ancestors.delete(value);
    return { type: "object", properties };
  }
  // Functions, BigInt, Dates and other instances have no JSON form to describe: any value.
  return {};
}

function variants(schema: JsonSchema): JsonSchema[] {
  return Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema];
}

function merge(a: JsonSchema, b: JsonSchema): JsonSchema {
  const out = [...variants(a)];
  for (const candidate of variants(b)) {
    const index = out.findIndex((existing) => existing.type === candidate.type);
    const existing = index === -1 ? undefined : out[index];
    if (!existing) out.push(candidate);
    else out[index] = mergeSameType(existing, candidate);
  }
  return out.length === 1 ? (out[0] as JsonSchema) : { anyOf: out };
}

function mergeSameType(a: JsonSchema, b: JsonSchema): JsonSchema {
  if (a.type === "object") {
    const properties = { ...(a.properties as Record<string, JsonSchema>) };
    for (const [key, schema] of Object.entries(b.properties as Record<string, JsonSchema>)) {
      const existing = properties[key];
      properties[key] = existing ? merge(existing, schema) : schema;
    }
    return { type: "object", properties };
  }
  if (a.type === "array") {
    if (!a.items) return b;
    if (!b.items) return a;
    return { type: "array", items: merge(a.items as JsonSchema, b.items as JsonSchema) };
  }
  return a;
}
