export type HealthFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** One health probe: a 2xx JSON document whose `ok` is true. */
export async function checkHealth(url: string, timeoutMs = 2_000, fetchImpl: HealthFetch = fetch): Promise<boolean> {
  try {
    const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return false;
    const body = (await response.json()) as { ok?: unknown };
    return body?.ok === true;
  } catch {
    return false;
  }
}

export interface WaitForHealthOptions {
  url: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Stops waiting early when the server process has already died. */
  isAlive?: () => boolean;
  fetch?: HealthFetch;
  onWait?: (elapsedMs: number) => void;
}

export type HealthWait = { healthy: true; elapsedMs: number } | { healthy: false; reason: "timeout" | "exited"; elapsedMs: number };

/** Polls the health URL until it answers, the process dies, or the bound passes. */
export async function waitForHealth(options: WaitForHealthOptions): Promise<HealthWait> {
  const started = Date.now();
  const interval = options.intervalMs ?? 500;
  for (;;) {
    const elapsedMs = Date.now() - started;
    if (await checkHealth(options.url, Math.min(2_000, interval * 4), options.fetch)) return { healthy: true, elapsedMs };
    if (options.isAlive && !options.isAlive()) return { healthy: false, reason: "exited", elapsedMs: Date.now() - started };
    if (Date.now() - started >= options.timeoutMs) return { healthy: false, reason: "timeout", elapsedMs: Date.now() - started };
    options.onWait?.(elapsedMs);
    await new Promise((r) => setTimeout(r, interval));
  }
}
