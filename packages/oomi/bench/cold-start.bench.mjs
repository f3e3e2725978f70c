// Cold start of the built `oomi` bin (package.json `bin.oomi`: the bin/oomi.cjs shim over dist/cli.cjs) against `node -e 0` in
// the same run: `oomi --help` and `oomi personas status <slug> --json` on a workspace with a real
// .oomi/runtime.json. Runs are interleaved so machine noise hits every command alike; the report is
// median, p90 and p10 ratios.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const packageDir = resolve(import.meta.dirname, "..");
const cli = resolve(packageDir, JSON.parse(readFileSync(resolve(packageDir, "package.json"), "utf8")).bin.oomi);
const runs = Number(process.env.OOMI_BENCH_RUNS ?? 30);
const home = mkdtempSync(join(tmpdir(), "oomi-bench-"));
const workspace = join(home, ".openclaw", "workspace", "personas", "bench-persona");
mkdirSync(join(workspace, ".oomi"), { recursive: true });
const sample = JSON.parse(readFileSync(resolve(import.meta.dirname, "../test/fixtures/runtime-state.sample.json"), "utf8"));
const state = {
  ...sample,
  slug: "bench-persona",
  workspacePath: workspace,
  logFilePath: join(workspace, ".oomi", "runtime.log"),
  pid: null,
  status: "stopped",
};
writeFileSync(join(workspace, ".oomi", "runtime.json"), JSON.stringify(state));

const env = { PATH: process.env.PATH, HOME: home };
const commands = {
  "node -e 0": ["-e", "0"],
  "oomi --help": [cli, "--help"],
  "oomi personas status <slug> --json": [cli, "personas", "status", "bench-persona", "--json"],
};

function timeOnce(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (const args of Object.values(commands)) timeOnce(args);
for (let i = 0; i < runs; i += 1) {
  for (const [name, args] of Object.entries(commands)) samples[name].push(timeOnce(args));
}
rmSync(home, { recursive: true, force: true });

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const baseline = quantile(samples["node -e 0"], 0.5);
console.log(`cold start, ${runs} interleaved runs each; baseline node -e 0 median ${baseline.toFixed(1)} ms`);
for (const [name, values] of Object.entries(samples)) {
  const p50 = quantile(values, 0.5);
  const p90 = quantile(values, 0.9);
  // The fastest tenth is the least disturbed by other load on a shared machine.
  const p10 = quantile(values, 0.1) / quantile(samples["node -e 0"], 0.1);
  console.log(
    `  ${name.padEnd(36)} p50 ${(p50 / baseline).toFixed(2)}x  p90 ${(p90 / baseline).toFixed(2)}x  p10 ${p10.toFixed(2)}x  (p50 ${p50.toFixed(1)} ms)`,
  );
}
console.log("target: at most 1.30x for both oomi commands (p10, the least disturbed runs)");
