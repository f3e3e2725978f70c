/** Reconnect delays: exponential from `baseMs` to `maxMs`, with jitter so devices that lost one backend do not return in step. */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

/** The delay before reconnect attempt `attempt` (1-based): half fixed, half random, so it never collapses to zero. */
export function reconnectDelayMs(attempt: number, random: () => number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt - 1, 16)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
