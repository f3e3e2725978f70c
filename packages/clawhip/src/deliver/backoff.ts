/**
 * Exponential backoff with jitter: the ceiling doubles per attempt (capped), and the delay is drawn
 * from its upper half so retries spread out without collapsing to zero.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The wait a 429/503 asks for: Discord's JSON `retry_after` (seconds, may be fractional) or the
 * `Retry-After` header (seconds or an HTTP date). Undefined when neither is usable.
 */
export function retryAfterMs(header: string | null, body: unknown, now: number): number | undefined {
  if (body && typeof body === "object" && "retry_after" in body) {
    const seconds = (body as { retry_after: unknown }).retry_after;
    if (typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  }
  if (header !== null && header.trim() !== "") {
    const trimmed = header.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}
