/** A per-target token bucket: delays sends past `ratePerSec` (bursts up to `burst`); never drops. */
export class TokenBucket {
  #tokens: number;
  #updated: number;

  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#updated = now;
  }

  /** Takes a token and returns 0, or returns how long to wait before one is available. */
  take(now: number): number {
    const elapsed = Math.max(0, now - this.#updated);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed / 1000) * this.ratePerSec);
    this.#updated = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.ratePerSec) * 1000);
  }
}
