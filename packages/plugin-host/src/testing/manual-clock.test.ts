import { describe, expect, it } from "vitest";
import { manualClock } from "./manual-clock.js";

describe("manualClock", () => {
  it("fires the timers due by the new time, earliest first, and no others", () => {
    const clock = manualClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 300);
    clock.setTimeout(() => fired.push(`early@${clock.now()}`), 100);
    clock.setTimeout(() => fired.push("later"), 301);
    expect(clock.scheduled()).toEqual([300, 100, 301]);
    clock.advance(300);
    expect(fired).toEqual(["early@1300", "late@1300"]);
    expect(clock.scheduled()).toEqual([1]);
    clock.advance(1);
    expect(fired).toEqual(["early@1300", "late@1300", "later"]);
    expect(clock.now()).toBe(1_301);
  });

  it("skips a timer cleared by one that fired before it, and leaves a timer set while firing to a later advance", () => {
    const clock = manualClock();
    const fired: string[] = [];
    let second: unknown;
    clock.setTimeout(() => {
      fired.push("first");
      clock.clearTimeout(second);
      clock.setTimeout(() => fired.push("again"), 0);
    }, 10);
    second = clock.setTimeout(() => fired.push("second"), 20);
    clock.advance(20);
    expect(fired).toEqual(["first"]);
    expect(clock.scheduled()).toEqual([0]);
    clock.advance(0);
    expect(fired).toEqual(["first", "again"]);
  });
});
