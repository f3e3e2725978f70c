#!/usr/bin/env node
// Runs every vitest suite — the unit project, then the e2e project — and ends with one line
// `N passed, N failed` summed over both, which CI counts. The projects run one after the other:
// e2e suites start real gateways, servers and processes, and on a 2-core machine they should not
// compete with hundreds of unit tests for CPU and ports. Extra arguments go to vitest (a path filter).
import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const vitest = join(root, "node_modules", ".bin", "vitest");
const extra = process.argv.slice(2);
const explicitProject = extra.some((arg) => arg === "--project" || arg.startsWith("--project="));
const projects = explicitProject ? [null] : ["unit", "e2e"];
await mkdir(join(root, "reports"), { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
for (const project of projects) {
  const report = join(root, "reports", `vitest-${project ?? "selected"}.json`);
  await rm(report, { force: true });
  const args = ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, "--passWithNoTests"];
  if (project) args.push("--project", project);
  const code = await new Promise((done) => {
    const child = spawn(vitest, [...args, ...extra], { cwd: root, stdio: "inherit" });
    child.on("exit", (status, signal) => done(status ?? (signal ? 1 : 0)));
  });
  if (code !== 0) exitCode = 1;
  try {
    const result = JSON.parse(await readFile(report, "utf8"));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + result.numTodoTests;
    // A file that fails to load has no failed tests of its own; count it so it cannot pass unseen.
    failed += result.testResults.filter(
      (file) => file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"),
    ).length;
  } catch (error) {
    console.error(`no test report at ${report}: ${error.message}`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(exitCode === 0 && failed === 0 ? 0 : 1);
