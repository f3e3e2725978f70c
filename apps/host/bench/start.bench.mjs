// `pnpm bench start`: seconds from spawning the built start entry (what `pnpm start` execs after its
// build) to its ready banner, the real OpenClaw gateway against LocalHost (`--local`) in the same run.
// Rounds alternate the two so machine noise hits both alike; each mode keeps its state folder across
// rounds, as a person's restarts do, so the gateway's first start (which installs every plugin) is
// measured apart and not counted. Each run is stopped as a terminal's Ctrl-C does (SIGINT to its group).
//   CLAWBRIDGE_BENCH_START_ROUNDS (default 5)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const main = resolve(import.meta.dirname, "../dist/main.js");
// The banner's last line (BANNER_END in src/banner.ts).
const BANNER_END = "Ctrl-C stops everything.";
const rounds = Number(process.env.CLAWBRIDGE_BENCH_START_ROUNDS ?? 5);

if (!existsSync(main)) {
  console.error(`${main} is missing: run pnpm build first (pnpm bench does)`);
  process.exit(1);
}

/** The variables that would pin a server's port: a bench run chooses ports as a person's run does. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !["CLAWBRIDGE_KICHI_WORLD_PORT", "OOMI_BACKEND_PORT", "OPENMEOW_WEB_PORT", "CLAWBRIDGE_DEMO_MODEL_PORT"].includes(key),
  ),
);

/** One start: seconds to the banner, then Ctrl-C and the seconds until the process has exited. */
function startOnce(args) {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [main, ...args], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let readyAt;
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (readyAt === undefined && out.includes(BANNER_END)) {
        readyAt = process.hrtime.bigint();
        process.kill(-child.pid, "SIGINT");
      }
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code) => {
      if (readyAt === undefined || code !== 0) {
        reject(
          new Error(
            `${args.join(" ")}: exited ${code} ${readyAt === undefined ? "before its banner" : "after Ctrl-C"}:\n${err.slice(-3000)}`,
          ),
        );
        return;
      }
      const seconds = (from, to) => Number(to - from) / 1e9;
      resolvePromise({ ready: seconds(started, readyAt), stop: seconds(readyAt, process.hrtime.bigint()) });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const modes = {
  "LocalHost (--local)": ["--local"],
  "real gateway": [],
};
const states = {};
for (const name of Object.keys(modes)) states[name] = await mkdtemp(join(tmpdir(), "clawbridge-bench-start-"));
const argsOf = (name) => [...modes[name], "--port", "0", "--state-dir", states[name]];

try {
  const first = await startOnce(argsOf("real gateway"));
  await startOnce(argsOf("LocalHost (--local)"));
  const samples = Object.fromEntries(Object.keys(modes).map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const name of Object.keys(modes)) samples[name].push(await startOnce(argsOf(name)));
  }

  console.log(
    `pnpm start to its ready banner on a built tree, ${rounds} alternating rounds each ` +
      `(the gateway's first start, installing every plugin, took ${first.ready.toFixed(1)} s and is not counted)`,
  );
  for (const [name, runs] of Object.entries(samples)) {
    const ready = runs.map((run) => run.ready);
    console.log(
      `  ${name.padEnd(20)} median ${median(ready).toFixed(2)} s  (min ${Math.min(...ready).toFixed(2)}, max ${Math.max(...ready).toFixed(2)})` +
        `  Ctrl-C to exit: median ${median(runs.map((run) => run.stop)).toFixed(2)} s`,
    );
  }
  const ratio = median(samples["real gateway"].map((run) => run.ready)) / median(samples["LocalHost (--local)"].map((run) => run.ready));
  console.log(`  real gateway / LocalHost: ${ratio.toFixed(1)}x (medians)`);
} finally {
  for (const dir of Object.values(states)) await rm(dir, { recursive: true, force: true });
}
