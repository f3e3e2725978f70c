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
