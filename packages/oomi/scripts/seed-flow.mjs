#!/usr/bin/env node
// The seed's seven-step managed creation order, run with a given `oomi` CLI against our local Oomi
// backend: ours by default, or upstream's from a checkout (`--upstream <dir>`, a clone of
// crispcode-io/oomi-ai-cli with `npm install` run in it). Every step must be ok; prints one JSON
// report and exits 0 when they all are, 1 otherwise. Needs `pnpm build` first (it starts the built backend).
//
//   node packages/oomi/scripts/seed-flow.mjs                      # our CLI
//   node packages/oomi/scripts/seed-flow.mjs --upstream /tmp/oomi-ai-cli
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { startOomiBackend } from "@clawbridge/oomi-backend";

const packageDir = resolve(import.meta.dirname, "..");
const fixture = join(packageDir, "test", "fixtures", "light-persona");
const { values } = parseArgs({ options: { upstream: { type: "string" }, cli: { type: "string" }, keep: { type: "boolean" } } });

function cliPath() {
  if (values.cli) return resolve(values.cli);
  if (values.upstream) {
    const bin = join(resolve(values.upstream), "bin", "oomi-ai.js");
    if (!existsSync(bin)) throw new Error(`${bin} does not exist: pass a checkout of crispcode-io/oomi-ai-cli`);
    if (!existsSync(join(resolve(values.upstream), "node_modules", "ws"))) throw new Error(`run npm install in ${values.upstream} first`);
    return bin;
  }
  return join(packageDir, JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).bin.oomi);
}

/**
 * The JSON document a run printed: all of stdout, else the lines from the first that opens an
 * object to the last that closes one (upstream's pair logs before and after its document).
 */
function jsonOf(stdout) {
  const lines = stdout.trim().split("\n");
  const first = lines.findIndex((line) => line.startsWith("{"));
  const last = lines.findLastIndex((line) => line.startsWith("}"));
  for (const text of [stdout, first >= 0 && last >= first ? lines.slice(first, last + 1).join("\n") : ""]) {
    try {
      return JSON.parse(text);
    } catch {
      // the next candidate, else null
    }
  }
  return null;
}

const cli = cliPath();
const home = mkdtempSync(join(tmpdir(), "oomi-seed-flow-"));
const root = join(home, ".openclaw", "workspace", "personas");
mkdirSync(root, { recursive: true });
const backend = await startOomiBackend({ dataFile: join(home, "backend.json") });
const env = {
  PATH: process.env.PATH ?? "",
  HOME: home,
  OOMI_BACKEND_URL: backend.url,
  OOMI_SKIP_UPDATE_CHECK: "1",
  // Loopback only: the persona is registered where it listens.
  OOMI_PERSONA_BIND_HOST: "127.0.0.1",
};
const steps = [];
// Asynchronous: the backend answers from this same process while the CLI runs.
const run = promisify(execFile);
async function oomi(step, args) {
  const done = await run(process.execPath, [cli, ...args], { env, cwd: home, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }).then(
    (result) => ({ ...result, code: 0 }),
    (error) => ({ stdout: String(error.stdout ?? ""), stderr: String(error.stderr ?? error.message), code: error.code }),
  );
  const json = args.includes("--json") ? jsonOf(done.stdout) : null;
  const ok = done.code === 0 && (!args.includes("--json") || (json !== null && json.ok !== false));
  steps.push({
    step,
    command: `oomi ${args.join(" ")}`,
    exitCode: done.code,
    ok,
    ...(ok ? {} : { stderr: done.stderr.trim().slice(-2_000) }),
  });
  return json;
}
function check(step, description, ok) {
  steps.push({ step, command: description, exitCode: ok ? 0 : 1, ok });
}

const slug = "seed-flow";
const name = "Seed Flow";
const description = "The seed's managed creation order, end to end";
const workspace = join(root, slug);
try {
  // Pairing gives either CLI its device token (upstream reads it only from the paired state).
  await oomi(0, [
    "openclaw",
    "pair",
    "--no-start",
    "--app-url",
    backend.url,
    "--device-id",
    "seed-flow-device",
    "--label",
    "seed-flow",
    "--json",
  ]);
  await oomi(1, ["personas", "scaffold", slug, "--name", name, "--description", description, "--out", workspace, "--force", "--json"]);
  check(
    2,
    "test -f persona.json oomi.runtime.json package.json",
    ["persona.json", "oomi.runtime.json", "package.json"].every((f) => existsSync(join(workspace, f))),
  );
  // The light fixture stands in for the scaffold's Vite app (a real one installs from the npm registry).
  for (const file of ["server.mjs", "package.json", "public"]) cpSync(join(fixture, file), join(workspace, file), { recursive: true });
  writeFileSync(join(workspace, "oomi.runtime.json"), readFileSync(join(fixture, "oomi.runtime.json")));
  await oomi(3, ["personas", "create-managed", slug, "--name", name, "--description", description, "--json"]);
  await oomi(4, ["personas", "launch-managed", slug, "--workspace-root", root, "--force-install", "--json"]);
  const statePath = join(workspace, ".oomi", "runtime.json");
  check(5, "test -f .oomi/runtime.json", existsSync(statePath));
  await oomi(6, ["personas", "status", slug, "--workspace-root", root, "--json"]);
  const localPort = existsSync(statePath) ? JSON.parse(readFileSync(statePath, "utf8")).localPort : 0;
  await oomi(7, ["personas", "heartbeat", slug, "--local-port", String(localPort), "--workspace-root", root, "--json"]);
  const persona = await (
    await fetch(`${backend.url}/v1/personas/${slug}`, {
      headers: { authorization: `Bearer ${[...backend.store.data.devices.values()][0]?.deviceToken ?? ""}` },
    })
  ).json();
  check(
    7,
    "backend persona is running with a heartbeat",
    persona?.persona?.lifecycle === "running" && Boolean(persona.persona.runtime?.lastHeartbeatAt),
  );
} finally {
  await run(process.execPath, [cli, "personas", "stop", slug, "--workspace-root", root, "--json"], {
    env,
    cwd: home,
    timeout: 60_000,
  }).catch(() => {});
  // Upstream's stop signals only the pid it recorded (npm), which leaves the dev server under it
  // running; the group this script's own workspace recorded goes too, so nothing outlives the run.
  const statePath = join(workspace, ".oomi", "runtime.json");
  const recorded = existsSync(statePath) ? JSON.parse(readFileSync(statePath, "utf8")).pid : null;
  if (Number.isInteger(recorded) && recorded > 0) {
    try {
      process.kill(-recorded, "SIGTERM");
    } catch {
      // already gone
    }
  }
  await backend.stop();
  if (!values.keep) rmSync(home, { recursive: true, force: true });
}
const ok = steps.every((s) => s.ok);
console.log(JSON.stringify({ ok, cli, backend: backend.url, steps }, null, 2));
process.exit(ok ? 0 : 1);
