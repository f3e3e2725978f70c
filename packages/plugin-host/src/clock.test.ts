import { describe, expect, it } from "vitest";
import { systemClock } from "./clock.js";

describe("systemClock", () => {
  it("tells the time in epoch milliseconds", () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("fires its timers without holding the process open, and clears them", async () => {
    const cleared = systemClock.setTimeout(() => expect.unreachable("a cleared timer fired"), 1);
    systemClock.clearTimeout(cleared);
    let handle: unknown;
    await new Promise<void>((resolve) => {
      handle = systemClock.setTimeout(resolve, 1);
      expect((handle as NodeJS.Timeout).hasRef()).toBe(false);
    });
    // The cleared timer's turn has long passed by now: a second wait covers it.
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
});
