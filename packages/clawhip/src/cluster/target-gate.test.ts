import { describe, expect, it } from "vitest";
import { afterFailure, afterRateLimited, afterSuccess, initialTargetState, leaseSize, leaseTokens } from "./target-gate.js";

const policy = { ratePerSec: 10, burst: 5, breakerThreshold: 3, breakerCooldownMs: 1000 };

describe("the shared target gate (pure)", () => {
  it("grants the burst at once, then one token per interval", () => {
    let state = initialTargetState("t");
    const first = leaseTokens(state, 10_000, 100, policy);
    expect(first.granted).toBe(5);
    state = first.next as NonNullable<typeof first.next>;
    const refused = leaseTokens(state, 10_000, 1, policy);
    expect(refused).toEqual({ granted: 0, waitMs: 100 });
    const later = leaseTokens(state, 10_100, 1, policy);
    expect(later.granted).toBe(1);
  });

  it("two daemons leasing from one state never take more than the rate allows between them", () => {
    let state = initialTargetState("t");
    let granted = 0;
    for (let now = 0; now <= 10_000; now += 10) {
      for (let daemon = 0; daemon < 2; daemon += 1) {
        const lease = leaseTokens(state, now, 2, policy);
        if (lease.next) {
          state = lease.next;
          granted += lease.granted;
        }
      }
    }
    // 10 s at 10/s plus the burst.
    expect(granted).toBeLessThanOrEqual(10 * 10 + 5);
    expect(granted).toBeGreaterThanOrEqual(10 * 10);
  });

  it("opens the breaker at the threshold, lets one probe through after the cooldown, and closes on success", () => {
    let state = initialTargetState("t");
    for (let i = 0; i < 3; i += 1) state = afterFailure(state, 0, policy);
    expect(leaseTokens(state, 500, 5, policy)).toEqual({ granted: 0, waitMs: 500 });
    const probe = leaseTokens(state, 1000, 5, policy);
    expect(probe.granted).toBe(1);
    state = probe.next as NonNullable<typeof probe.next>;
    expect(leaseTokens(state, 1001, 5, policy).granted).toBe(0);
    state = afterSuccess(state) as NonNullable<ReturnType<typeof afterSuccess>>;
    expect(state.failures).toBe(0);
    // The probe spent one token of the burst.
    expect(leaseTokens(state, 1001, 5, policy).granted).toBe(4);
    expect(afterSuccess(state)).toBeUndefined();
  });

  it("a 429 holds every sender for its wait and closes a tripped breaker (the target answered)", () => {
    let state = initialTargetState("t");
    for (let i = 0; i < 3; i += 1) state = afterFailure(state, 0, policy);
    state = afterRateLimited(state, 2000, 250);
    expect(state.failures).toBe(0);
    expect(leaseTokens(state, 2100, 1, policy)).toEqual({ granted: 0, waitMs: 150 });
    expect(leaseTokens(state, 2250, 1, policy).granted).toBe(1);
  });

  it("leases about a tenth of a second's worth, between one token and the burst", () => {
    expect(leaseSize({ ratePerSec: 5, burst: 5 })).toBe(1);
    expect(leaseSize({ ratePerSec: 1000, burst: 50 })).toBe(50);
    expect(leaseSize({ ratePerSec: 1000, burst: 500 })).toBe(100);
  });
});
