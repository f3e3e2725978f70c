// What a call costs beyond the action itself: the registry's dispatch alone (the floor), runAction in
// process (that plus the plain-data and ActionResult checks), invokeAction (the same plus an event stream), the OpenClaw tool bridge, and a round trip to a
// forked worker. Ratios against calling the defined action's `execute` directly, measured in this run.
// The rows are measured in interleaved rounds (each round runs every row once, in order), so a GC pause
// or a busy neighbour falls on every row alike, not on whichever ran first; a row's figure is the
// median over rounds of its mean per call, and p50/p99 per call (µs) pool every round's samples.
import { resolve } from "node:path";
import { createActionRegistry, forkActionWorker, invokeAction, runAction } from "../dist/index.js";
import { actionToOpenClawTool } from "../dist/openclaw/index.js";
import { addNote } from "./actions.mjs";

const args = { title: "Ship the runtime", body: "types, actions, tools", tags: ["work", "rome"] };
const ROUNDS = Number(process.env.RUN_ACTION_BENCH_ROUNDS ?? 25);

async function round(iterations, call, samples) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) {
    const t0 = process.hrtime.bigint();
    await call();
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const registry = createActionRegistry([addNote]);
const tool = actionToOpenClawTool(addNote);
const worker = await forkActionWorker({ module: resolve(import.meta.dirname, "actions.mjs") });

try {
  const rows = [
    { label: "execute directly (baseline)", iterations: 5_000, call: () => addNote.execute(args) },
    // The floor under any runAction: the registry's lookup, the body's context and one promise hop, no checks.
    { label: "registry.dispatch, no checks", iterations: 5_000, call: () => registry.dispatch("notes_add", args) },
    { label: "runAction, in process", iterations: 5_000, call: () => runAction(registry, "notes_add", args) },
    { label: "invokeAction, in process", iterations: 5_000, call: () => invokeAction(registry, "notes_add", args).result },
    { label: "OpenClaw tool execute", iterations: 5_000, call: () => tool.execute("call", args) },
    { label: "runAction, forked worker", iterations: 500, call: () => runAction(worker, "notes_add", args) },
  ].map((row) => ({ ...row, means: [], samples: [] }));
  // Warm-up: every path compiled and the worker's first messages behind us before anything counts.
  for (const row of rows) await round(Math.min(1_000, row.iterations), row.call, []);
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const row of rows) row.means.push(await round(row.iterations, row.call, row.samples));
  }
  const baseline = median(rows[0].means);
  console.log(`${ROUNDS} interleaved rounds; median of the rounds' mean per call vs baseline, then per-call percentiles`);
  for (const row of rows) {
    row.samples.sort((a, b) => a - b);
    const p = (q) => row.samples[Math.floor(row.samples.length * q)];
    console.log(
      `${row.label.padEnd(30)} ${(median(row.means) / baseline).toFixed(2).padStart(7)}x   p50 ${p(0.5).toFixed(1).padStart(7)} µs   p99 ${p(0.99).toFixed(1).padStart(7)} µs`,
    );
  }
  console.log("target: runAction in process at most 1.5x execute directly");
} finally {
  await worker.close();
}
