import { describe, expect, it } from "vitest";
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, ReconnectBackoff } from "./backoff.js";

const policy: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitterRatio: 0.2, healthyAfterMs: 5_000 };

describe("backoffDelay", () => {
  it("doubles from the initial delay and caps", () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy, 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it("takes up to jitterRatio off each delay", () => {
    expect(backoffDelay(0, policy, 0)).toBe(80);
    expect(backoffDelay(3, policy, 0.5)).toBe(720);
    expect(backoffDelay(10, policy, 0)).toBe(800);
  });
});

describe("ReconnectBackoff", () => {
  const clock = () => {
    let now = 0;
    return {
      now: () => now,
      random: () => 1,
      advance: (ms: number) => {
        now += ms;
      },
    };
  };

  it("grows while connections keep failing", () => {
    const c = clock();
    const backoff = new ReconnectBackoff(policy, c);
    expect([backoff.nextDelay(), backoff.nextDelay(), backoff.nextDelay()]).toEqual([100, 200, 400]);
  });

  it("does not reset after a short-lived (flapping) connection", () => {
    const c = clock();
    const backoff = new ReconnectBackoff(policy, c);
    backoff.nextDelay();
    backoff.nextDelay();
    backoff.opened();
    c.advance(4_999);
    expect(backoff.nextDelay()).toBe(400);
  });

  it("resets after a connection that stayed up healthyAfterMs", () => {
    const c = clock();
    const backoff = new ReconnectBackoff(policy, c);
    for (let i = 0; i < 6; i += 1) backoff.nextDelay();
    backoff.opened();
    c.advance(5_000);
    expect(backoff.nextDelay()).toBe(100);
    expect(backoff.nextDelay()).toBe(200);
  });
});

describe("DEFAULT_BACKOFF", () => {
  it("retries a server that is back after a 1 s outage within 500 ms: attempts at 100, 300, 700, 1200, 1700 ms", () => {
    const starts: number[] = [];
    let at = 0;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      // random 1: the longest delays the jitter allows.
      at += backoffDelay(attempt, DEFAULT_BACKOFF, 1);
      starts.push(at);
    }
    expect(starts).toEqual([100, 300, 700, 1200, 1700]);
    expect(Math.max(...starts.slice(1).map((s, i) => s - starts[i]!))).toBeLessThanOrEqual(500);
  });
});
