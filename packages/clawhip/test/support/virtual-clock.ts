import type { Clock } from "../../src/deliver/clock.js";

/**
 * A clock whose time only moves when the code under test sleeps: each sleep advances virtual time
 * by the requested amount and resolves on the next turn of the event loop. Every requested wait is
 * recorded, so tests assert backoff, retry-after and breaker waits exactly, without real waiting.
 */
export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];
  #now = Date.UTC(2026, 0, 1);

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolvePromise) => {
      setImmediate(() => {
        if (!signal?.aborted) this.#now += Math.max(0, ms);
        resolvePromise();
      });
    });
  }
}

/**
 * A clock that moves only when the test says so: a sleep resolves once `advance` passes its end (or its
 * signal aborts). For code that waits on windows (routine batching), so a test can hold time still
 * while events arrive and then step past the window, without real waiting.
 */
export class ManualClock implements Clock {
  #now = Date.UTC(2026, 0, 1);
  readonly #sleepers = new Set<{ until: number; wake: () => void }>();

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolvePromise) => {
      const sleeper = {
        until: this.#now + ms,
        wake: () => {
          this.#sleepers.delete(sleeper);
          signal?.removeEventListener("abort", sleeper.wake);
          resolvePromise();
        },
      };
      this.#sleepers.add(sleeper);
      signal?.addEventListener("abort", sleeper.wake, { once: true });
    });
  }

  /** Moves time forward and wakes every sleep that has ended. */
  advance(ms: number): void {
    this.#now += ms;
    for (const sleeper of [...this.#sleepers]) if (sleeper.until <= this.#now) sleeper.wake();
  }

  /** Sleeps not yet woken. */
  get sleeping(): number {
    return this.#sleepers.size;
  }
}
