import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** A recorded upstream type: a JSON type name, `a|b`, an object of keys, or a one-item array of items. */
export type Shape = string | Shape[] | { [key: string]: Shape };

interface Expectations {
  commands: Record<string, { from: string; shape: Record<string, Shape>; sent?: string[] }>;
}

/** Upstream oomi-ai 0.2.50's `--json` shapes, recorded in test/fixtures/upstream/json-expectations.json. */
export const UPSTREAM: Expectations = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "fixtures/upstream/json-expectations.json"), "utf8"),
) as Expectations;

const typeOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value);

/** Every place `value` differs from the recorded shape: a missing key, or a key of another type. */
export function shapeMismatches(value: unknown, shape: Shape, path = "$"): string[] {
  if (typeof shape === "string") {
    const allowed = shape.split("|");
    return allowed.includes(typeOf(value)) ? [] : [`${path}: ${typeOf(value)}, upstream has ${shape}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${path}: ${typeOf(value)}, upstream has an array`];
    return value.flatMap((item, i) => shapeMismatches(item, shape[0] as Shape, `${path}[${i}]`));
  }
  if (typeOf(value) !== "object") return [`${path}: ${typeOf(value)}, upstream has an object`];
  const record = value as Record<string, unknown>;
  return Object.entries(shape).flatMap(([key, inner]) =>
    key in record ? shapeMismatches(record[key], inner, `${path}.${key}`) : [`${path}.${key}: missing`],
  );
}

/** The mismatches of a command's output against upstream's recorded shape for it. */
export function upstreamMismatches(command: string, output: unknown): string[] {
  const expected = UPSTREAM.commands[command];
  if (!expected) throw new Error(`no recorded upstream shape for ${command}`);
  return shapeMismatches(output, expected.shape);
}
