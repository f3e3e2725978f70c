export { BodyTooLargeError, readBody, sendJson } from "@clawbridge/plugin-host";

/** The deepest nesting a body may have; deeper bodies are refused before anything walks them. */
export const MAX_JSON_DEPTH = 64;

/** True when a parsed JSON value nests deeper than `max` (checked iteratively). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== "object" || current === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
