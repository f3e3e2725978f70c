#!/usr/bin/env node
// Folds every `*.jsonl` SDK event stream of a folder through our reducers (the build in
// packages/openmeow-sdk/dist) and checks the final lane state, on demand, for fixtures that are not
// ours to keep in the repository (upstream's `fixtures/openclaw-events/`).
// Usage: pnpm openmeow:fixtures <fixtures-dir> [<upstream-checkout>]   (or OPENMEOW_UPSTREAM=<checkout>)
// With an upstream checkout, each stream is also folded through upstream's reducer and the two final
// states must be equal once our extra fields (revision, rowIndex, approvalDecisions) are set aside.
// Without one, the state is checked against what the stream itself implies: settled composer with the
// stream's terminal status, no debug rows, no draft left, the run's final text as its one message.
// Exits 0 when every stream passes, 1 otherwise, 2 on bad usage.
import { deepStrictEqual } from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function usage(message) {
  console.error(`${message}\nusage: node scripts/openmeow/fold-fixtures.mjs <fixtures-dir> [<upstream-checkout>]`);
  process.exit(2);
}

const dir = process.argv[2] ? resolve(process.argv[2]) : usage("missing the folder of *.jsonl event streams");
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith(".jsonl"))
      .sort()
  : [];
if (files.length === 0) usage(`${dir} holds no *.jsonl files`);
const upstreamDir = process.argv[3] ?? process.env.OPENMEOW_UPSTREAM;
const ours = await import(pathToFileURL(resolve(import.meta.dirname, "../../packages/openmeow-sdk/dist/index.js")).href);
const upstream = upstreamDir ? await import(pathToFileURL(join(resolve(upstreamDir), "src/index.js")).href) : undefined;

const TERMINAL = { "run.completed": "completed", "run.cancelled": "cancelled", "run.timed_out": "timed_out", "run.failed": "failed" };

/** The lane state upstream also has: our extra fields dropped, undefined members dropped (JSON). */
function comparable(state) {
  const { revision: _revision, rowIndex: _rowIndex, approvalDecisions: _decisions, ...rest } = state;
  return JSON.parse(JSON.stringify(rest));
}

/** What the stream itself says the lane must end as. */
function impliedChecks(events, state) {
  const terminal = events
    .map((e) => TERMINAL[e.type])
    .filter(Boolean)
    .at(-1);
  deepStrictEqual(state.composer, {
    mode: "idle",
    activeRun: null,
    canSend: true,
    canStop: false,
    lastTerminalStatus: terminal ?? null,
    waitDeadlineExpired: false,
  });
  deepStrictEqual(state.debugEvents, []);
  deepStrictEqual({ ...state.assistantDrafts }, {});
  const runId = events.find((e) => e.runId)?.runId;
  const final = events.filter((e) => e.type === "assistant.message").at(-1)?.data?.text;
  const streamed = events
    .filter((e) => e.type === "assistant.delta")
    .map((e) => e.data?.delta ?? e.data?.text ?? "")
    .join("");
  const text = final || streamed;
  deepStrictEqual(
    state.messages.map((m) => [m.id, m.text]),
    text ? [[`assistant:${runId}:0`, text]] : [],
  );
  const toolText = events
    .filter((e) => e.type === "tool.call.delta")
    .map((e) => e.data?.delta ?? e.data?.text ?? "")
    .join("");
  for (const row of state.toolActivities) if (toolText) deepStrictEqual(row.preview, toolText);
  for (const row of state.approvals) deepStrictEqual(row.status, "resolved");
}

let failed = 0;
for (const file of files) {
  const events = readFileSync(join(dir, file), "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
  const state = events.reduce((lane, event) => ours.reduceOpenMeowUIState(lane, event), ours.initialOpenMeowUIState());
  try {
    impliedChecks(events, state);
    if (upstream) {
      const theirs = events.reduce((lane, event) => upstream.reduceOpenMeowUIState(lane, event), upstream.initialOpenMeowUIState());
      deepStrictEqual(comparable(state), comparable(theirs));
    }
    console.log(`ok ${file}${upstream ? " (equal to upstream's final state)" : ""}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok ${file}\n${error.message}`);
  }
}
console.log(`fixtures: ${files.length - failed}/${files.length} passed${upstream ? " against upstream's reducer" : ""}`);
process.exitCode = failed === 0 ? 0 : 1;
