// What a call costs beyond the action itself: runAction in process (the plain-data and ActionResult
// checks), invokeAction (the same plus an event stream), the OpenClaw tool bridge, and a round trip to a forked worker. Ratios against calling the
// defined action's `execute` directly, measured in this run; p50/p99 per call in microseconds.
import { resolve } from "node:path";
import { createActionRegistry, forkActionWorker, invokeAction, runAction } from "../dist/index.js";
import { actionToOpenClawTool } from "../dist/openclaw/index.js";
import { addNote } from "./actions.mjs";

const args = { title: "Ship the runtime", body: "types, actions, tools", tags: ["work", "rome"] };

async function measure(label, iterations, call) {
  for (let i = 0; i < Math.min(200, iterations); i += 1) await call();
  const samples = new Float64Array(iterations);
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) {
    const t0 = process.hrtime.bigint();
    await call();
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalUs = Number(process.hrtime.bigint() - started) / 1000;
  samples.sort();
  return {
    label,
    perCallUs: totalUs / iterations,
    p50: samples[Math.floor(iterations * 0.5)],
    p99: samples[Math.floor(iterations * 0.99)],
  };
}

const registry = createActionRegistry([addNote]);
const tool = actionToOpenClawTool(addNote);
const worker = await forkActionWorker({ module: resolve(import.meta.dirname, "actions.mjs") });

try {
  const rows = [
    await measure("execute directly (baseline)", 20_000, () => addNote.execute(args)),
    await measure("runAction, in process", 20_000, () => runAction(registry, "notes_add", args)),
    await measure("invokeAction, in process", 20_000, () => invokeAction(registry, "notes_add", args).result),
    await measure("OpenClaw tool execute", 20_000, () => tool.execute("call", args)),
    await measure("runAction, forked worker", 3_000, () => runAction(worker, "notes_add", args)),
  ];
  const baseline = rows[0].perCallUs;
  console.log(`${"".padEnd(30)} mean/call vs baseline, then per-call percentiles`);
  for (const row of rows) {
    console.log(
      `${row.label.padEnd(30)} ${(row.perCallUs / baseline).toFixed(2).padStart(7)}x   p50 ${row.p50.toFixed(1).padStart(7)} µs   p99 ${row.p99.toFixed(1).padStart(7)} µs`,
    );
  }
} finally {
  await worker.close();
}
