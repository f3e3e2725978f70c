#!/usr/bin/env node
// Runs every benchmark (`packages/*/bench/*.bench.mjs`, `apps/*/bench/*.bench.mjs`), each in its own
// process. Each prints its results as ratios against a baseline measured in the same run.
// `pnpm bench clawhip` runs only the benchmarks whose path inside the repository contains "clawhip";
// when some benchmark is named exactly that (`pnpm bench start`: apps/host/bench/start.bench.mjs; `pnpm bench
// clawhip-cluster`: packages/clawhip/bench/clawhip-cluster.bench.mjs, which needs nats-server), only those.
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const filter = process.argv[2];

async function benchFiles() {
  const files = [];
  for (const group of ["packages", "apps"]) {
    for (const name of await readdir(join(root, group))) {
      const dir = join(root, group, name, "bench");
      const entries = await readdir(dir).catch(() => []);
      for (const file of entries.filter((f) => f.endsWith(".bench.mjs")).sort()) files.push(join(dir, file));
    }
  }
  if (!filter) return files;
  const matching = files.filter((file) => relative(root, file).includes(filter));
  const named = matching.filter((file) => basename(file, ".bench.mjs") === filter);
  return named.length > 0 ? named : matching;
}

const files = await benchFiles();
if (files.length === 0) {
  console.log(filter ? `no benchmark matches "${filter}"` : "no benchmarks found");
  process.exit(filter ? 2 : 0);
}
let failures = 0;
for (const file of files) {
  console.log(`\n== ${relative(root, file)}`);
  const code = await new Promise((done) => {
    const child = spawn(process.execPath, ["--expose-gc", file], { cwd: root, stdio: "inherit" });
    child.on("exit", (exitCode) => done(exitCode ?? 1));
  });
  if (code !== 0) failures += 1;
}
process.exit(failures > 0 ? 1 : 0);
