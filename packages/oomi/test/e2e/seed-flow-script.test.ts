import { resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const script = resolve(import.meta.dirname, "../../scripts/seed-flow.mjs");

// The same script runs upstream's CLI on demand (`--upstream <checkout>`, see README "Drop-in for upstream").
describe("scripts/seed-flow.mjs: the seed's seven steps against our backend", () => {
  it("every step is ok with our CLI", async () => {
    const run = await execa(process.execPath, [script], { reject: false, timeout: 300_000 });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { ok: boolean; steps: Array<{ step: number; ok: boolean }> };
    expect(report.ok).toBe(true);
    expect(new Set(report.steps.map((s) => s.step))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it("refuses a folder that is not an upstream checkout", async () => {
    const run = await execa(process.execPath, [script, "--upstream", "/nonexistent-oomi-checkout"], { reject: false });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain("crispcode-io/oomi-ai-cli");
  });
});
