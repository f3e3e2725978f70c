import { invalidInput } from "./errors.js";

/** A CLI timestamp override (`--started-at` …) as ISO-8601, or now. */
export function isoTimestamp(value: string | undefined, flag: string, now: () => Date = () => new Date()): string {
  if (value === undefined) return now().toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw invalidInput(`${flag} must be an ISO-8601 timestamp, not ${value}`);
  return new Date(time).toISOString();
}
