import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { pool } from "./pool.js";
import { prototypeNames, residentBytes } from "./process-probes.js";

describe("process probes", () => {
  it("prototypeNames sees a name added to Object.prototype", () => {
    const before = prototypeNames();
    expect(before).toContain("toString");
    expect(before).toEqual([...before].sort());
    Object.defineProperty(Object.prototype, "pollutedByTest", { value: 1, configurable: true });
    try {
      expect(prototypeNames()).toEqual([...before, "pollutedByTest"].sort());
    } finally {
      delete (Object.prototype as Record<string, unknown>).pollutedByTest;
    }
    expect(prototypeNames()).toEqual(before);
  });

  it("residentBytes reads this process and a child by pid", async () => {
    expect(residentBytes()).toBeGreaterThan(10 * 1024 * 1024);
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      await once(child, "spawn");
      expect(residentBytes(child.pid)).toBeGreaterThan(0);
    } finally {
      child.kill("SIGKILL");
    }
    await once(child, "exit");
    expect(() => residentBytes(child.pid)).toThrow();
  });
});

describe("pool", () => {
  it("runs every job once, at most width at a time, and returns results in index order", async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await pool(20, 3, async (index) => {
      started.push(index);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return index * 2;
    });
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
  });

  it("rejects with the first job that fails", async () => {
    await expect(pool(5, 2, async (index) => (index === 3 ? Promise.reject(new Error("job 3")) : index))).rejects.toThrow("job 3");
  });
});
