import { describe, expect, it } from "vitest";
import { backoffDelay, retryAfterMs } from "./backoff.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { TokenBucket } from "./token-bucket.js";

describe("backoffDelay", () => {
  it("doubles its ceiling per attempt, draws from the upper half, and caps", () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 0.5)).toBe(600);
    expect(backoffDelay(30, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(1000, 100, 10_000, () => 0)).toBe(5_000);
  });
});

describe("retryAfterMs", () => {
  const now = Date.UTC(2026, 0, 1);
  it("reads Discord's JSON retry_after (fractional seconds) before the header", () => {
    expect(retryAfterMs("9", { retry_after: 0.25 }, now)).toBe(250);
  });
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("3", undefined, now)).toBe(3000);
    expect(retryAfterMs(new Date(now + 4000).toUTCString(), undefined, now)).toBe(4000);
  });
  it("ignores unusable values", () => {
    expect(retryAfterMs(null, { retry_after: "soon" }, now)).toBeUndefined();
    expect(retryAfterMs("later", { retry_after: -1 }, now)).toBeUndefined();
  });
});

describe("CircuitBreaker", () => {
  it("opens after the threshold, waits out the cooldown, half-opens, and closes on success", () => {
    const breaker = new CircuitBreaker(3, 1000);
    breaker.failure(0);
    breaker.failure(10);
    expect(breaker.waitMs(20)).toBe(0);
    breaker.failure(20);
    expect(breaker.state).toBe("open");
    expect(breaker.waitMs(20)).toBe(1000);
    expect(breaker.waitMs(1020)).toBe(0);
    breaker.failure(1020);
    expect(breaker.waitMs(1020)).toBe(1000);
    breaker.success();
    expect(breaker.state).toBe("closed");
    expect(breaker.waitMs(1020)).toBe(0);
  });
});

describe("TokenBucket", () => {
  it("allows a burst, then spaces sends at the rate, refilling over time", () => {
    const bucket = new TokenBucket(5, 2, 0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(200);
    expect(bucket.take(200)).toBe(0);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(1000)).toBe(200);
  });
});
