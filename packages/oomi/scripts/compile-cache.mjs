// Records the V8 code cache bin/oomi.cjs loads dist/cli.cjs with: runs the built CLI's two commands
// whose start-up matters (`--help`, and `personas status --json`, which agents poll) so the cache
// holds every function they compile. Each run starts from the cache the previous one wrote.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OomiRuntimeStateSchema } from "@clawbridge/contracts";

const packageDir = resolve(import.meta.dirname, "..");
const bin = join(packageDir, "bin", "oomi.cjs");
const cacheFile = join(packageDir, "dist", "cli.cjs.cache");
rmSync(cacheFile, { force: true });
// A throwaway HOME with one stopped persona: `personas status` runs once for it and once for a slug
// that has no workspace (exit 1, as for any unknown slug).
const home = mkdtempSync(join(tmpdir(), "oomi-compile-cache-"));
const workspace = join(home, ".openclaw", "workspace", "personas", "cached");
mkdirSync(join(workspace, ".oomi"), { recursive: true });
// Checked by the contract the CLI reads it with: a schema change fails here, naming the field.
writeFileSync(
  join(workspace, ".oomi", "runtime.json"),
  JSON.stringify(
    OomiRuntimeStateSchema.parse({
      slug: "cached",
      name: "Cached",
      description: "compile cache warm-up",
      workspacePath: workspace,
      templateVersion: "v1",
      localPort: 4789,
      localEndpoint: "http://127.0.0.1:4789",
      reachableEndpoint: "http://127.0.0.1:4789",
      bindHost: "127.0.0.1",
      reachableHost: "127.0.0.1",
      entryUrl: "http://127.0.0.1:4789",
      endpoint: "http://127.0.0.1:4789",
      transport: "local",
      healthcheckUrl: "http://127.0.0.1:4789/oomi.health.json",
      pid: null,
      logFilePath: join(workspace, ".oomi", "runtime.log"),
      status: "stopped",
      lastStartedAt: "2026-01-01T00:00:00.000Z",
      devCommand: { command: "npm", args: ["run", "dev"] },
    }),
  ),
);
const runs = [
  { args: ["--help"], status: 0 },
  { args: ["personas", "status", "cached", "--json"], status: 0 },
  { args: ["personas", "status", "missing", "--json"], status: 1 },
];
try {
  for (const { args, status } of runs) {
    const run = spawnSync(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH, HOME: home, OOMI_RECORD_COMPILE_CACHE: cacheFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (run.status !== status) throw new Error(`oomi ${args.join(" ")} exited ${run.status}, not ${status}: ${run.stdout}${run.stderr}`);
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
