import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// The two on-demand upstream checks (scripts/openmeow/*.mjs) run against our build, on a stand-in
// "upstream checkout" written here: CI has no copy of the real one.

const root = resolve(import.meta.dirname, "../../../..");
const dist = pathToFileURL(resolve(import.meta.dirname, "../../dist/index.js")).href;

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, "scripts/openmeow", script), ...args], { cwd: root }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const STREAM = [
  { type: "run.started", runId: "r1", sessionKey: "agent:main:x" },
  { type: "assistant.delta", runId: "r1", data: { text: "hi " } },
  { type: "assistant.delta", runId: "r1", data: { text: "there" } },
  { type: "run.completed", runId: "r1" },
]
  .map((event) => JSON.stringify(event))
  .join("\n");

/** A checkout's shape: a test file importing `../src/index.js` that reads `../fixtures/openclaw-events/`. */
async function standIn(testBody: string, reducerSource: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "om-upstream-standin-"));
  await mkdir(join(dir, "test"));
  await mkdir(join(dir, "src"));
  await mkdir(join(dir, "fixtures/openclaw-events"), { recursive: true });
  await writeFile(join(dir, "fixtures/openclaw-events/stream.jsonl"), `${STREAM}\n`);
  await writeFile(join(dir, "src/index.js"), reducerSource);
  await writeFile(join(dir, "test/openmeow-sdk-client.test.js"), testBody);
  return dir;
}

const TESTS = (secondExpectation: string) => `import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { initialOpenMeowUIState, reduceOpenMeowUIState } from "../src/index.js";

const events = readFileSync(new URL("../fixtures/openclaw-events/stream.jsonl", import.meta.url), "utf8").split("\\n").filter(Boolean).map((l) => JSON.parse(l));
const lane = events.reduce((s, e) => reduceOpenMeowUIState(s, e), initialOpenMeowUIState());
it("names the message after its run", () => assert.equal(lane.messages[0].id, "assistant:r1:0"));
it("keeps the streamed text", () => assert.equal(lane.messages[0].text, ${JSON.stringify(secondExpectation)}));
`;
const REEXPORT_OURS = `export * from ${JSON.stringify(dist)};\n`;

describe("upstream-suite.mjs", () => {
  it("runs the checkout's test file against our build and counts passes; the checkout stays untouched", async () => {
    const dir = await standIn(TESTS("hi there"), "throw new Error('the suite must not load the checkout\\'s own src');\n");
    const before = await readFile(join(dir, "test/openmeow-sdk-client.test.js"), "utf8");
    const green = await run("upstream-suite.mjs", [dir]);
    expect(green.stdout).toContain("upstream suite: 2/2 passed");
    expect(green.code).toBe(0);
    expect(await readFile(join(dir, "test/openmeow-sdk-client.test.js"), "utf8")).toBe(before);
    await writeFile(join(dir, "test/openmeow-sdk-client.test.js"), TESTS("something else"));
    const red = await run("upstream-suite.mjs", [dir]);
    expect(red.stdout).toContain("not ok 2 - keeps the streamed text");
    expect(red.stdout).toContain("upstream suite: 1/2 passed");
    expect(red.code).toBe(1);
  });

  it("refuses a folder that is not a checkout, and a test file whose import it cannot change exactly once", async () => {
    expect((await run("upstream-suite.mjs", [])).code).toBe(2);
    const empty = await mkdtemp(join(tmpdir(), "om-upstream-empty-"));
    const missing = await run("upstream-suite.mjs", [empty]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("has no test/openmeow-sdk-client.test.js");
    const dir = await standIn(TESTS("hi there").replace('from "../src/index.js"', 'from "../lib/index.js"'), REEXPORT_OURS);
    const noImport = await run("upstream-suite.mjs", [dir]);
    expect(noImport.code).toBe(2);
    expect(noImport.stderr).toContain('expected one import of "../src/index.js"');
  });
});

describe("fold-fixtures.mjs", () => {
  it("folds each stream through our reducers, and through the checkout's reducer when given one", async () => {
    const dir = await standIn(TESTS("hi there"), REEXPORT_OURS);
    const fixtures = join(dir, "fixtures/openclaw-events");
    const alone = await run("fold-fixtures.mjs", [fixtures]);
    expect(alone.stdout).toContain("fixtures: 1/1 passed");
    expect(alone.code).toBe(0);
    const same = await run("fold-fixtures.mjs", [fixtures, dir]);
    expect(same.stdout).toContain("fixtures: 1/1 passed against upstream's reducer");
    expect(same.code).toBe(0);
    // A reducer that ends elsewhere (its message ids differ): the comparison must say not ok.
    await writeFile(
      join(dir, "src/index.js"),
      `import * as ours from ${JSON.stringify(dist)};
export const initialOpenMeowUIState = ours.initialOpenMeowUIState;
export function reduceOpenMeowUIState(state, event) {
  const next = ours.reduceOpenMeowUIState(state, event);
  return { ...next, messages: next.messages.map((m) => ({ ...m, id: m.runId + ":" + m.id.split(":").at(-1) })) };
}
`,
    );
    const differs = await run("fold-fixtures.mjs", [fixtures, dir]);
    expect(differs.stdout).toContain("not ok stream.jsonl");
    expect(differs.code).toBe(1);
    expect((await run("fold-fixtures.mjs", [join(dir, "test")])).code).toBe(2);
  });
});
