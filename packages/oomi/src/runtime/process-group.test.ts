import { describe, expect, it } from "vitest";
import { type Kill, stopProcessGroup } from "./process-group.js";
import type { VerifiedProcess } from "./process-identity.js";

// Forged on purpose: only the identify functions make these in the code.
const forged = (pid: number, leadsGroup = true) => ({ pid, leadsGroup }) as VerifiedProcess;

/** A fake group whose members die on the first SIGTERM (or only on SIGKILL when `stubborn`). */
function fakeGroup(pid: number, { stubborn = false } = {}) {
  const sent: Array<[number, NodeJS.Signals | 0]> = [];
  let alive = true;
  const kill: Kill = (id, signal) => {
    sent.push([id, signal]);
    if (Math.abs(id) !== pid || !alive) throw Object.assign(new Error("ESRCH"), { code: "ESRCH" });
    if (signal === "SIGKILL" || (signal === "SIGTERM" && !stubborn)) alive = false;
  };
  return { kill, sent };
}

describe("stopProcessGroup", () => {
  it("item 5: a target of pid 0 or 1 is refused before any signal, so kill(0), kill(-1) and kill(1) never happen", async () => {
    for (const pid of [0, 1, -1]) {
      const { kill, sent } = fakeGroup(pid);
      await expect(stopProcessGroup(forged(pid), { kill })).rejects.toThrow(RangeError);
      expect(sent).toEqual([]);
    }
  });

  it("signals the group of a group leader with SIGTERM, and SIGKILL after the grace period", async () => {
    const polite = fakeGroup(4242);
    expect(await stopProcessGroup(forged(4242), { kill: polite.kill, pollMs: 1 })).toBe("SIGTERM");
    expect(polite.sent.slice(0, 2)).toEqual([
      [-4242, 0],
      [-4242, "SIGTERM"],
    ]);
    const stubborn = fakeGroup(4242, { stubborn: true });
    expect(await stopProcessGroup(forged(4242), { kill: stubborn.kill, graceMs: 5, pollMs: 1 })).toBe("SIGKILL");
    expect(stubborn.sent).toContainEqual([-4242, "SIGKILL"]);
  });

  it("signals only the pid of a process that does not lead its group", async () => {
    const { kill, sent } = fakeGroup(4242);
    await stopProcessGroup(forged(4242, false), { kill, pollMs: 1 });
    expect(sent.every(([id]) => id === 4242)).toBe(true);
  });

  it("returns null without signalling when nothing is alive", async () => {
    const { kill, sent } = fakeGroup(4242);
    await stopProcessGroup(forged(4242), { kill, pollMs: 1 });
    const before = sent.length;
    expect(await stopProcessGroup(forged(4242), { kill })).toBeNull();
    expect(sent.slice(before).every(([, signal]) => signal === 0)).toBe(true);
  });
});
