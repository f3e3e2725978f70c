#!/usr/bin/env node
// On demand (CI fetches nothing): checks that upstream's own Oomi bridge (oomi-ai, `bin/oomi-ai.js
// openclaw bridge start`) connects to the local Oomi backend's device broker WebSocket, in plain
// framing (/v1/device/ws) and in ActionCable framing (/cable). Usage, after `pnpm build`:
//   node scripts/oomi-upstream-bridge.mjs <path to an oomi-ai checkout with its npm dependencies installed>
// Everything runs on loopback in a throwaway OPENCLAW_HOME. Upstream's bridge checks that a local
// gateway port answers TCP before it starts; a bare TCP listener stands in for it, since the check
// here is the broker connection (the bridge only dials the gateway when the broker opens a session).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const checkout = process.argv[2] && resolve(process.argv[2]);
if (!checkout || !existsSync(join(checkout, "bin", "oomi-ai.js"))) {
  console.error("usage: node scripts/oomi-upstream-bridge.mjs <oomi-ai checkout> (it needs bin/oomi-ai.js and its node_modules)");
  process.exit(2);
}
const root = resolve(import.meta.dirname, "..");
const { startOomiBackend } = await import(pathToFileURL(join(root, "apps/oomi-backend/dist/index.js")).href);
const device = { deviceId: "upstream-bridge", deviceToken: `upstream-${Date.now().toString(36)}-token` };
const BOUND_MS = 30_000;

/** Polls `probe` until it returns a value, within BOUND_MS. */
async function within(what, probe) {
  const deadline = Date.now() + BOUND_MS;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${BOUND_MS} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function check(framing) {
  const home = await mkdtemp(join(tmpdir(), "oomi-upstream-"));
  const lines = [];
  const backend = await startOomiBackend({ dataFile: join(home, "backend.json"), devices: [device], log: (line) => lines.push(line) });
  const gatewayStandIn = createServer((socket) => socket.destroy());
  await new Promise((r) => gatewayStandIn.listen(0, "127.0.0.1", r));
  const brokerWs = `${backend.url.replace(/^http/, "ws")}${framing === "cable" ? "/cable" : "/v1/device/ws"}`;
  await writeFile(
    join(home, "openclaw.json"),
    JSON.stringify({ gateway: { port: gatewayStandIn.address().port, bind: "loopback", auth: { token: "stand-in" } } }),
  );
  const args = [join(checkout, "bin", "oomi-ai.js"), "openclaw", "bridge", "start"];
  args.push("--broker-ws", brokerWs, "--broker-http", backend.url, "--device-id", device.deviceId, "--device-token", device.deviceToken);
  const bridge = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, HOME: home, OPENCLAW_HOME: home, OOMI_SKIP_UPDATE_CHECK: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  bridge.stdout.on("data", (chunk) => (output += chunk));
  bridge.stderr.on("data", (chunk) => (output += chunk));
  try {
    const wanted = framing === "cable" ? "subscribed to DeviceChannel" : "connected (plain framing)";
    await within(`the backend seeing upstream's bridge (${framing})`, () => lines.some((l) => l.includes(wanted)));
    const status = await within("upstream's bridge reporting connected", async () => {
      const text = await readFile(join(home, "oomi-bridge-status.json"), "utf8").catch(() => "");
      const parsed = text ? JSON.parse(text) : null;
      return parsed?.status === "connected" ? parsed : null;
    });
    console.log(`ok  ${framing}: upstream's bridge connected to ${brokerWs.replace(/\?.*/, "")} (its status: ${status.status})`);
  } catch (error) {
    console.error(`failed  ${framing}: ${error.message}\nbackend: ${lines.join("\n")}\nbridge:\n${output.slice(-3000)}`);
    process.exitCode = 1;
  } finally {
    bridge.kill("SIGTERM");
    await new Promise((r) => (bridge.exitCode === null ? bridge.once("exit", r) : r()));
    gatewayStandIn.close();
    await backend.stop();
    await rm(home, { recursive: true, force: true });
  }
}

await check("plain");
await check("cable");
