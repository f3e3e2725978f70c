/** Small JSON helpers for the normalizer and renderers, with upstream's rules for usable values. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The trimmed string when `value` is a string that is not blank; upstream's "first string" test. */
export function nonBlank(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** A JSON non-negative integer (strings, floats and negatives do not count), like serde's `as_u64`. */
export function asU64(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Sets `record[key]` as an own data property. JSON.parse makes `__proto__` an own key; plain
 * assignment of that key would set the record's prototype instead (and lose the value).
 */
export function setOwn(record: JsonRecord, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** Recursively key-sorted copy, so serialisation matches serde_json's BTreeMap order. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isRecord(value)) return value;
  const out: JsonRecord = {};
  for (const key of Object.keys(value).sort()) setOwn(out, key, sortedKeys(value[key]));
  return out;
}
