#!/usr/bin/env node
// Runs every vitest suite (unit and e2e) and ends with one line `N passed, N failed` summed over
// all suites, which CI counts. Extra arguments go to vitest (e.g. a path filter).
import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const report = join(root, "reports", "vitest.json");
await mkdir(join(root, "reports"), { recursive: true });
await rm(report, { force: true });

const vitest = join(root, "node_modules", ".bin", "vitest");
const args = ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)];
const code = await new Promise((done) => {
  const child = spawn(vitest, args, { cwd: root, stdio: "inherit" });
  child.on("exit", (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0)));
});

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const result = JSON.parse(await readFile(report, "utf8"));
  passed = result.numPassedTests;
  failed = result.numFailedTests;
  skipped = result.numPendingTests + result.numTodoTests;
  // A file that fails to load has no failed tests of its own; count it so it cannot pass unseen.
  failed += result.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"),
  ).length;
} catch (error) {
  console.error(`no test report at ${report}: ${error.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
