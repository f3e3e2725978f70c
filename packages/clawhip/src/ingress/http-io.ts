export { BodyTooLargeError, readBody, sendJson } from "@clawbridge/plugin-host";

/** The deepest nesting a body may have; deeper bodies are refused before anything walks them. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when a parsed JSON value nests deeper than `max`. Recursive, but never more than `max` frames
 * deep: it stops at the limit, so a hostile body cannot exhaust the stack.
 */
export function nestsDeeperThan(value: unknown, max: number, depth = 0): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth >= max) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (nestsDeeperThan(child, max, depth + 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (nestsDeeperThan(record[key], max, depth + 1)) return true;
  return false;
}
