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

// What JSON.stringify would escape in a string (quote, backslash, control characters) or may
// (surrogates: a lone one is escaped); text with none of these is its own JSON string body.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without its character-by-character escaper for plain text. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A canonical array index (`0`, `17`, not `017`): an object lists such keys first, in numeric order. */
function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57) return false;
  return (key === "0" || (first !== 48 && /^\d+$/.test(key))) && Number(key) < 2 ** 32 - 1;
}

/**
 * `JSON.stringify(sortedKeys(value))`, character for character, without building the sorted copy:
 * the compact rendering of every event without a template of its own, which can be the whole payload.
 */
export function sortedJson(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    case "bigint":
      return JSON.stringify(value);
    default:
      return undefined;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i += 1) out += `${i === 0 ? "" : ","}${sortedJson(value[i]) ?? "null"}`;
    return `${out}]`;
  }
  const record = value as JsonRecord;
  const keys = Object.keys(record).sort();
  // The sorted copy lists its array-index keys first, in numeric order, as every object does.
  const indices = keys.filter(isArrayIndex);
  const ordered = indices.length === 0 ? keys : [...indices.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
  let out = "{";
  for (const key of ordered) {
    const text = sortedJson(record[key]);
    if (text === undefined) continue;
    out += `${out === "{" ? "" : ","}${jsonString(key)}:${text}`;
  }
  return `${out}}`;
}

/** Recursively key-sorted copy, so serialisation matches serde_json's BTreeMap order. */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isRecord(value)) return value;
  const out: JsonRecord = {};
  for (const key of Object.keys(value).sort()) setOwn(out, key, sortedKeys(value[key]));
  return out;
}

/** A yes/no in any of the spellings hooks and tmux use (booleans, 0/1, `attached`/`detached`, …). */
export function asBoolish(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value !== 0 : undefined;
  if (typeof value !== "string") return undefined;
  const word = value.trim().toLowerCase();
  if (word === "1" || word === "true" || word === "yes" || word === "attached") return true;
  if (word === "0" || word === "false" || word === "no" || word === "detached") return false;
  return undefined;
}

/** A non-negative integer given as a JSON number or as decimal digits in a string. */
export function asU64ish(value: unknown): number | undefined {
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) {
    const parsed = Number(value.trim());
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return asU64(value);
}
