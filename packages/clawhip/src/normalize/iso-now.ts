/**
 * The current time as an ISO-8601 string. Calls within one millisecond share the formatted string:
 * the ingress stamps every accepted event (and its delivery jobs) and runs thousands per second.
 */
let lastMs = Number.NaN;
let lastIso = "";

export function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
