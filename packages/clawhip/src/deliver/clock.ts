import type { Clock as HostClock } from "@clawbridge/plugin-host";

/**
 * Time as the delivery layer sees it, injected so backoff, breakers and rate limits are testable: the
 * shared clock's `now`, and a sleep that an abort cuts short (the dispatcher awaits its waits rather
 * than setting timers).
 */
export interface Clock extends Pick<HostClock, "now"> {
  /** Resolves after `ms`, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolvePromise) => {
      if (signal?.aborted) return resolvePromise();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        signal?.removeEventListener("abort", done);
        clearTimeout(timer);
        resolvePromise();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};
