/**
 * A per-target circuit breaker: after `threshold` consecutive failures it opens for `cooldownMs`,
 * then lets one attempt through (half-open); a success closes it, a failure re-opens it.
 */
export class CircuitBreaker {
  #failures = 0;
  #openUntil = 0;

  constructor(
    readonly threshold: number,
    readonly cooldownMs: number,
  ) {}

  /** How long to wait before the next attempt may go out (0 when closed or half-open). */
  waitMs(now: number): number {
    return Math.max(0, this.#openUntil - now);
  }

  get state(): "closed" | "open" {
    return this.#failures >= this.threshold ? "open" : "closed";
  }

  success(): void {
    this.#failures = 0;
    this.#openUntil = 0;
  }

  failure(now: number): void {
    this.#failures += 1;
    if (this.#failures >= this.threshold) this.#openUntil = now + this.cooldownMs;
  }
}
