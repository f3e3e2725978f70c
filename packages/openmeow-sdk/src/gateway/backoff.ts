export interface ReconnectOptions {
  /** The first retry's ceiling (ms); each failed attempt doubles it up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before the client gives up and reports the connection lost (default 30). */
  maxAttempts?: number;
  /** Injected randomness in [0, 1) for the jitter (default `Math.random`). */
  random?: () => number;
  /** Injected timer (default `setTimeout`). */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RECONNECT = { initialDelayMs: 250, maxDelayMs: 10_000, maxAttempts: 30 } as const;

/**
 * The wait before reconnect attempt `attempt` (0-based): "equal jitter" over an exponential ceiling,
 * so clients that lost the same gateway do not return in lockstep, and no wait is ever near zero.
 * Pure: `random` is the only source of variation.
 */
export function reconnectDelayMs(attempt: number, random: () => number, options: ReconnectOptions = {}): number {
  const initial = options.initialDelayMs ?? DEFAULT_RECONNECT.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  const unit = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * unit);
}
