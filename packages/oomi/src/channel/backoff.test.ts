import { seededRandom } from "@clawbridge/plugin-host/testing";
import { describe, expect, it } from "vitest";
import { reconnectDelayMs } from "./backoff.js";

describe("reconnectDelayMs", () => {
  it("doubles from the base up to the cap, always between half and all of the step", () => {
    const random = seededRandom(7);
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
      const delay = reconnectDelayMs(attempt, random);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it("spreads devices that failed together", () => {
    const random = seededRandom(11);
    const delays = new Set(Array.from({ length: 20 }, () => reconnectDelayMs(5, random)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
