// normalize + route + render per event (the daemon's acceptIngress path, without I/O) against a
// JSON.parse(JSON.stringify(event)) baseline over the same corpus, in the same run.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { acceptIngress, parseConfigObject } from "../dist/lib.js";

const here = dirname(fileURLToPath(import.meta.url));
const SURFACE = {
  omc: "event",
  "omx-normalized": "event",
  "event-wire": "event",
  routing: "event",
  "omx-hook": "omx-hook",
  "native-hook": "native-hook",
};

const corpus = readFileSync(join(here, "../test/fixtures/vectors.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line))
  .filter((v) => v.expect.http?.status === 202 && v.ingress !== "legacy-emit")
  .map((v) => ({ surface: SURFACE[v.ingress], body: v.ingress === "routing" ? v.input.event : v.input }));

const parsed = parseConfigObject({
  defaults: { channel: "fallback", format: "compact" },
  routes: [
    { event: "session.*", filter: { tool: "omx", repo_name: "clawhip" }, channel: "omx", format: "inline" },
    { event: "session.*", filter: { tool: "omc" }, webhook: "https://discord.com/api/webhooks/1/x", mention: "<@1>" },
    { event: "session.failed", slack_webhook: "https://hooks.slack.com/services/T/B/x", format: "alert" },
    { event: "agent.*", channel: "legacy" },
  ],
});
if (!parsed.ok) throw new Error(parsed.error);
const config = parsed.config;

let sink = 0;
function pipeline() {
  for (const { surface, body } of corpus) {
    const outcome = acceptIngress(surface, body, config);
    if (!outcome.ok || !outcome.plan.ok) throw new Error(`corpus event rejected: ${JSON.stringify(outcome.body)}`);
    sink += outcome.plan.deliveries.length;
  }
}
function baseline() {
  for (const { body } of corpus) sink += Object.keys(JSON.parse(JSON.stringify(body))).length;
}

function timePerEvent(fn, rounds) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) fn();
  return Number(process.hrtime.bigint() - start) / (rounds * corpus.length);
}

for (let i = 0; i < 300; i += 1) {
  pipeline();
  baseline();
}
const samples = { pipeline: [], baseline: [] };
// Interleaved trials; the fastest of each is reported (least disturbed by other load on a shared machine).
for (let trial = 0; trial < 15; trial += 1) {
  globalThis.gc?.();
  samples.baseline.push(timePerEvent(baseline, 400));
  globalThis.gc?.();
  samples.pipeline.push(timePerEvent(pipeline, 400));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p = Math.min(...samples.pipeline);
const b = Math.min(...samples.baseline);
console.log(`corpus: ${corpus.length} events (every accepted vector), 4 routes; fastest of 15 interleaved trials`);
console.log(`baseline JSON.parse(JSON.stringify(event)): ${(b / 1000).toFixed(2)} µs/event`);
console.log(`normalize+route+render:                     ${(p / 1000).toFixed(2)} µs/event`);
console.log(`ratio: ${(p / b).toFixed(2)}× the baseline (target ≤ 5×) ${p / b <= 5 ? "OK" : "OVER TARGET"}`);
console.log(
  `(medians: ${(median(samples.pipeline) / 1000).toFixed(2)} vs ${(median(samples.baseline) / 1000).toFixed(2)} µs/event, ratio ${(median(samples.pipeline) / median(samples.baseline)).toFixed(2)}×)`,
);
if (sink < 0) console.log(sink);
