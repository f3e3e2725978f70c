import type { Clock } from "../clock.js";

/** A clock whose time moves, and whose timers fire, only when the test says so. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, then fires the timers that were due by then, earliest first (a timer
   * one of them clears does not fire; one they set fires on a later `advance`).
   */
  advance(ms: number): void;
  /** How far ahead of now each pending timer is due, in the order they were set. */
  scheduled(): number[];
}

export function manualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      const due = [...timers].filter(([, timer]) => timer.at <= now).sort((a, b) => a[1].at - b[1].at);
      for (const [id, timer] of due) if (timers.delete(id)) timer.callback();
    },
    scheduled: () => [...timers.values()].map((timer) => timer.at - now),
  };
}
