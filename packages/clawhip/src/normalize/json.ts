/** Small JSON helpers for the normalizer: pointer lookups with upstream's "first usable value" rules. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON pointer split into its segments, e.g. `["context", "session_id"]`. */
export type Pointer = readonly string[];

export function at(value: unknown, pointer: Pointer): unknown {
  let current = value;
  for (let i = 0; i < pointer.length; i += 1) {
    // Arrays need no special case: a pointer segment is a field name, never an index.
    if (current === null || typeof current !== "object") return undefined;
    current = (current as JsonRecord)[pointer[i] as string];
  }
  return current;
}

/** The first pointer whose value is a string that is non-empty after trimming; the trimmed value. */
export function firstString(value: unknown, pointers: readonly Pointer[]): string | undefined {
  for (let i = 0; i < pointers.length; i += 1) {
    const found = at(value, pointers[i] as Pointer);
    if (typeof found === "string") {
      const trimmed = found.trim();
      if (trimmed !== "") return trimmed;
    }
  }
  return undefined;
}

/** A JSON non-negative integer (strings, floats and negatives do not count), like serde's `as_u64`. */
export function asU64(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export function firstU64(value: unknown, pointers: readonly Pointer[]): number | undefined {
  for (let i = 0; i < pointers.length; i += 1) {
    const found = asU64(at(value, pointers[i] as Pointer));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A non-empty string field of a record, or undefined. */
export function stringField(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Recursively key-sorted copy, so serialisation matches serde_json's BTreeMap order. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isRecord(value)) return value;
  const out: JsonRecord = {};
  for (const key of Object.keys(value).sort()) out[key] = sortedKeys(value[key]);
  return out;
}
