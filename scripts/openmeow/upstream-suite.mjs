#!/usr/bin/env node
// Runs the public OpenMeow SDK's own test file (OpenCoven/open-meow-sdk, `test/openmeow-sdk-client.test.js`)
// against our build, with only its import of `../src/index.js` pointed at `@clawbridge/openmeow-sdk`'s dist.
// Usage: pnpm openmeow:upstream-suite <upstream-checkout>   (build first: pnpm build)
// The checkout is read, never written: the edited copy of the test file lives in a temporary folder
// beside a link to the checkout's fixtures, since the test finds them relative to itself.
// Prints `upstream suite: N/M passed` and exits 0 only when all pass; 2 on bad usage.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const TEST_FILE = "test/openmeow-sdk-client.test.js";
const UPSTREAM_IMPORT = /from\s+"\.\.\/src\/index\.js"/g;

function usage(message) {
  console.error(`${message}\nusage: node scripts/openmeow/upstream-suite.mjs <upstream-checkout>`);
  process.exit(2);
}

const checkout = process.argv[2] ? resolve(process.argv[2]) : usage("missing the path of an OpenCoven/open-meow-sdk checkout");
if (!existsSync(join(checkout, TEST_FILE))) usage(`${checkout} has no ${TEST_FILE}`);
const ours = resolve(import.meta.dirname, "../../packages/openmeow-sdk/dist/index.js");
if (!existsSync(ours)) usage(`${ours} is missing: run pnpm build first`);

const source = await readFile(join(checkout, TEST_FILE), "utf8");
const imports = source.match(UPSTREAM_IMPORT) ?? [];
// Exactly one import to change, or the run would not be "upstream's file with only its import changed".
if (imports.length !== 1) usage(`expected one import of "../src/index.js" in ${TEST_FILE}, found ${imports.length}`);
const edited = source.replace(UPSTREAM_IMPORT, `from ${JSON.stringify(pathToFileURL(ours).href)}`);

const work = await mkdtemp(join(tmpdir(), "openmeow-upstream-suite-"));
try {
  await mkdir(join(work, "test"));
  await symlink(join(checkout, "fixtures"), join(work, "fixtures"), "dir");
  const testPath = join(work, TEST_FILE);
  await writeFile(testPath, edited);
  // No gateway URL from the caller's shell: upstream's tests expect none to be configured.
  const env = { ...process.env };
  for (const name of ["OPENCLAW_GATEWAY_URL", "OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD"]) delete env[name];
  const { code, output } = await new Promise((done) => {
    const child = spawn(process.execPath, ["--test", "--test-reporter=tap", testPath], { cwd: work, env });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.pipe(process.stderr);
    child.on("close", (exitCode) => done({ code: exitCode ?? 1, output }));
  });
  const count = (name) => Number(output.match(new RegExp(`^# ${name} (\\d+)$`, "m"))?.[1] ?? Number.NaN);
  const pass = count("pass");
  const total = count("tests");
  // Failing tests: each `not ok` line, except describe blocks (their YAML block says `type: 'suite'`).
  const lines = output.split("\n");
  lines.forEach((line, i) => {
    if (!/^\s*not ok /.test(line)) return;
    const end = lines.findIndex((next, j) => j > i && next.trim() === "...");
    if (!lines.slice(i + 1, end).some((next) => next.includes("type: 'suite'"))) console.log(line.trim());
  });
  if (process.argv.includes("--verbose") || Number.isNaN(total)) console.log(output);
  console.log(`upstream suite: ${pass}/${total} passed`);
  process.exitCode = code === 0 && pass === total ? 0 : 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
