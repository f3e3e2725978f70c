/**
 * A small validator for the JSON Schema subset `z.toJSONSchema` emits for our file contracts
 * (type, properties, required, enum, pattern, bounds, format uri, anyOf, items). It lets the hot
 * read path of `oomi personas status` check `.oomi/runtime.json` against the schema generated from
 * the zod contract without loading zod at start-up.
 */
export interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: readonly string[];
  enum?: readonly unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  anyOf?: readonly JsonSchemaNode[];
  items?: JsonSchemaNode;
  [key: string]: unknown;
}

function typeOk(type: string, value: unknown): boolean {
  switch (type) {
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

/** Issues as `path: message` strings; empty when the value matches. */
export function checkJsonSchema(schema: JsonSchemaNode, value: unknown, path = ""): string[] {
  const at = path || "(root)";
  if (schema.anyOf) {
    return schema.anyOf.some((option) => checkJsonSchema(option, value, path).length === 0)
      ? []
      : [`${at}: matches none of the allowed shapes`];
  }
  if (schema.type && !typeOk(schema.type, value)) return [`${at}: expected ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: expected one of ${schema.enum.join(", ")}`];
  if ("const" in schema && schema.const !== value) return [`${at}: expected ${String(schema.const)}`];
  const issues: string[] = [];
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) issues.push(`${at}: too short`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) issues.push(`${at}: does not match ${schema.pattern}`);
    if (schema.format === "uri" && !URL.canParse(value)) issues.push(`${at}: not a URL`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) issues.push(`${at}: below ${schema.minimum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      issues.push(`${at}: must exceed ${schema.exclusiveMinimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) issues.push(`${at}: above ${schema.maximum}`);
  }
  if (schema.type === "object" && typeOk("object", value)) {
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (key in record && record[key] !== undefined) issues.push(...checkJsonSchema(child, record[key], path ? `${path}.${key}` : key));
    }
    for (const key of schema.required ?? []) if (!(key in record)) issues.push(`${path ? `${path}.` : ""}${key}: required`);
  }
  if (schema.items && Array.isArray(value)) {
    const items = schema.items;
    value.forEach((item, i) => {
      issues.push(...checkJsonSchema(items, item, `${path}[${i}]`));
    });
  }
  return issues;
}
