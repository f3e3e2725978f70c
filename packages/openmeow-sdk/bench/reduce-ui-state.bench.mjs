// Reduces a 100,000-event lane stream (mostly assistant deltas, with tool and approval events)
// through reduceOpenMeowUIState. Prints events/s, the last-10k/first-10k time ratio (flat cost per
// event ≈ 1, target ≤ 1.5) and the throughput ratio against a copy-on-write baseline reducer in the
// same run (every event copies the lists it touches).
// With OPENMEOW_UPSTREAM=<checkout of OpenCoven/open-meow-sdk>, upstream's own reducer is measured in
// the same run too, on the same stream; without it, no upstream figure is printed.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { initialOpenMeowUIState, reduceOpenMeowUIState } from "../dist/index.js";

const TOTAL = 100_000;
const CHUNK = 10_000;

function stream() {
  const events = [];
  const key = "agent:main:dashboard:bench";
  for (let run = 0; events.length < TOTAL; run += 1) {
    const runId = `run-${run}`;
    const push = (type, data) => events.push({ version: 1, id: `${events.length}`, ts: events.length, type, runId, sessionKey: key, data });
    push("run.started", { phase: "start" });
    for (let i = 0; i < 12; i += 1) push("assistant.delta", { delta: `word${i} ` });
    push("tool.call.started", { phase: "start", name: "clawbridge_status", toolCallId: `${runId}:call`, args: { i: run } });
    push("tool.call.delta", { phase: "update", toolCallId: `${runId}:call`, delta: "checking" });
    push("tool.call.completed", {
      phase: "end",
      name: "clawbridge_status",
      toolCallId: `${runId}:call`,
      status: "completed",
      output: { ok: true },
    });
    if (run % 2 === 0) {
      push("approval.requested", { approvalId: `${runId}:ap`, commandText: "rm -rf build" });
      push("approval.resolved", { approvalId: `${runId}:ap`, decision: "allow-once" });
    }
    for (let i = 12; i < 24; i += 1) push("assistant.delta", { delta: `word${i} ` });
    push("run.completed", { phase: "end" });
  }
  return events.slice(0, TOTAL);
}

/** Copy-on-write reducer: spread/concat/map per event, the usual immutable-update style. */
function copyingReduce(state, event) {
  const runId = event.runId;
  const d = event.data;
  switch (event.type) {
    case "assistant.delta":
      return { ...state, assistantDrafts: { ...state.assistantDrafts, [runId]: (state.assistantDrafts[runId] ?? "") + d.delta } };
    case "run.completed": {
      const { [runId]: draft, ...rest } = state.assistantDrafts;
      return {
        ...state,
        assistantDrafts: rest,
        messages: draft ? [...state.messages, { id: runId, role: "assistant", runId, text: draft }] : state.messages,
      };
    }
    case "tool.call.started":
    case "tool.call.delta":
    case "tool.call.completed": {
      const id = d.toolCallId;
      const at = state.toolActivities.findIndex((t) => t.id === id);
      const row = { id, runId, title: d.name ?? state.toolActivities[at]?.title ?? id, phase: event.type.slice(10) };
      return {
        ...state,
        toolActivities: at < 0 ? [...state.toolActivities, row] : state.toolActivities.map((t, i) => (i === at ? row : t)),
      };
    }
    case "approval.requested":
    case "approval.resolved": {
      const id = d.approvalId;
      const at = state.approvals.findIndex((a) => a.id === id);
      const row = { id, runId, title: d.commandText ?? state.approvals[at]?.title, status: event.type.slice(9) };
      return { ...state, approvals: at < 0 ? [...state.approvals, row] : state.approvals.map((a, i) => (i === at ? row : a)) };
    }
    default:
      return state;
  }
}

function measure(reduce, initial, events) {
  let state = initial();
  const chunks = [];
  let start = performance.now();
  const begin = start;
  for (let i = 0; i < events.length; i += 1) {
    state = reduce(state, events[i]);
    if ((i + 1) % CHUNK === 0) {
      const now = performance.now();
      chunks.push(now - start);
      start = now;
    }
  }
  const total = performance.now() - begin;
  return { total, chunks, state };
}

const events = stream();
const counts = {};
for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;

/** Upstream's reducer from a checkout, or none: its figure is measured, never assumed. */
async function loadUpstream() {
  const dir = process.env.OPENMEOW_UPSTREAM;
  if (!dir) return undefined;
  const entry = join(resolve(dir), "src/index.js");
  if (!existsSync(entry)) {
    console.error(`OPENMEOW_UPSTREAM=${dir} has no src/index.js (expected a checkout of OpenCoven/open-meow-sdk)`);
    process.exit(2);
  }
  const module = await import(pathToFileURL(entry).href);
  return { reduce: module.reduceOpenMeowUIState, initial: () => module.initialOpenMeowUIState({ sessionKey: "bench" }) };
}

const PASSES = 7;
const copyingInitial = () => ({ assistantDrafts: {}, messages: [], toolActivities: [], approvals: [] });
const oursInitial = () => initialOpenMeowUIState({ sessionKey: "bench" });
const upstream = await loadUpstream();

// Warm up both reducers so the measured passes compare JIT-compiled code; then interleave the
// measured passes (the machine is shared, load drifts) and keep the median pass of each.
for (let i = 0; i < 3; i += 1) {
  measure(reduceOpenMeowUIState, oursInitial, events);
  measure(copyingReduce, copyingInitial, events);
  if (upstream) measure(upstream.reduce, upstream.initial, events);
}
const oursPasses = [];
const baselinePasses = [];
const upstreamPasses = [];
for (let i = 0; i < PASSES; i += 1) {
  globalThis.gc?.();
  oursPasses.push(measure(reduceOpenMeowUIState, oursInitial, events));
  globalThis.gc?.();
  baselinePasses.push(measure(copyingReduce, copyingInitial, events));
  if (upstream) {
    globalThis.gc?.();
    upstreamPasses.push(measure(upstream.reduce, upstream.initial, events));
  }
}
const median = (passes) => [...passes].sort((a, b) => a.total - b.total)[Math.floor(passes.length / 2)];
const ours = median(oursPasses);
const baseline = median(baselinePasses);
const theirs = upstream ? median(upstreamPasses) : undefined;

for (const other of [baseline, theirs].filter(Boolean)) {
  if (
    ours.state.messages.length !== other.state.messages.length ||
    ours.state.toolActivities.length !== other.state.toolActivities.length ||
    ours.state.approvals.length !== other.state.approvals.length
  ) {
    console.error("reducers disagree on the outcome; the benchmark is not comparing like with like");
    process.exit(1);
  }
}

const rate = (r) => Math.round((TOTAL / r.total) * 1000);
const flat = (r) => r.chunks.at(-1) / r.chunks[0];
console.log(
  `events: ${TOTAL} (${Object.entries(counts)
    .map(([t, n]) => `${t} ${n}`)
    .join(", ")})`,
);
console.log(`median of ${PASSES} interleaved passes after 3 warm-up passes each`);
console.log(
  `reduceOpenMeowUIState: ${rate(ours).toLocaleString("en-US")} events/s, last-10k/first-10k ${flat(ours).toFixed(2)} (target ≤ 1.5)`,
);
console.log(`  per-10k chunk ms (median pass): ${ours.chunks.map((c) => c.toFixed(1)).join(" ")}`);
const best = [...oursPasses].sort((a, b) => a.total - b.total)[0];
console.log(`  best pass: ${rate(best).toLocaleString("en-US")} events/s (the least disturbed by other load on the machine)`);
console.log(`copy-on-write baseline: ${rate(baseline).toLocaleString("en-US")} events/s, last-10k/first-10k ${flat(baseline).toFixed(2)}`);
console.log(`throughput ratio ours/baseline: ${(rate(ours) / rate(baseline)).toFixed(2)}x`);
if (theirs) {
  console.log(
    `upstream reduceOpenMeowUIState (${process.env.OPENMEOW_UPSTREAM}): ${rate(theirs).toLocaleString("en-US")} events/s, last-10k/first-10k ${flat(theirs).toFixed(2)}`,
  );
  console.log(`throughput ratio ours/upstream: ${(rate(ours) / rate(theirs)).toFixed(2)}x`);
} else {
  console.log("upstream reducer: not measured (set OPENMEOW_UPSTREAM=<checkout of OpenCoven/open-meow-sdk> to measure it in this run)");
}
console.log(
  `lane after the stream: ${ours.state.messages.length} messages, ${ours.state.toolActivities.length} tool rows, ${ours.state.approvals.length} approvals`,
);
if (flat(ours) > 1.5) process.exitCode = 1;
