import type { Clock } from "@clawbridge/plugin-host";

/** How reconnect delays grow: from `initialDelayMs`, times `factor` per failed attempt, up to `maxDelayMs`. */
export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Fraction of each delay that is randomised, so many agents do not reconnect in lockstep. */
  jitterRatio: number;
  /** A connection that stayed open this long counts as healthy: the next outage starts from the first delay. */
  healthyAfterMs: number;
}

/**
 * The cap is 500 ms so a server back after an outage of about a second is retried within a few hundred
 * ms (with a 1 s cap the attempt after 700 ms lands at 1.5 s); two attempts a second during a long
 * outage cost next to nothing on loopback or a LAN.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 500,
  factor: 2,
  jitterRatio: 0.2,
  healthyAfterMs: 5_000,
};

/** The delay before reconnect attempt `attempt` (0-based); `random` is in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt));
  const jittered = base * (1 - policy.jitterRatio) + base * policy.jitterRatio * random;
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(jittered)));
}

/** What a backoff reads: the time, and the jitter's randomness in [0, 1). */
export interface BackoffClock extends Pick<Clock, "now"> {
  random(): number;
}

/**
 * The reconnect state of one connection: each outage draws the next delay; an open that lasted
 * `healthyAfterMs` resets the sequence, a flapping one does not.
 */
export class ReconnectBackoff {
  #attempt = 0;
  #openedAt: number | undefined;
  readonly #policy: BackoffPolicy;
  readonly #clock: BackoffClock;

  constructor(policy: BackoffPolicy, clock: BackoffClock) {
    this.#policy = policy;
    this.#clock = clock;
  }

  get attempt(): number {
    return this.#attempt;
  }

  opened(): void {
    this.#openedAt = this.#clock.now();
  }

  /** Called when the socket closed (or failed to open): the delay before the next attempt. */
  nextDelay(): number {
    if (this.#openedAt !== undefined && this.#clock.now() - this.#openedAt >= this.#policy.healthyAfterMs) this.#attempt = 0;
    this.#openedAt = undefined;
    const delay = backoffDelay(this.#attempt, this.#policy, this.#clock.random());
    this.#attempt += 1;
    return delay;
  }
}
