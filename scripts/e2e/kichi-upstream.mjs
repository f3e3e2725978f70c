#!/usr/bin/env node
// Runs an upstream kichi-forwarder checkout (Yahaha-Studio/kichi-forwarder, any version from
// 0.1.2-beta.13 on) inside the real OpenClaw gateway against our local Kichi World, and calls every
// tool its manifest declares:
//
//   pnpm build && node scripts/e2e/kichi-upstream.mjs <checkout dir> [--port 48870]
//
// The checkout is staged in a throwaway folder (never changed), its one runtime dependency installed
// with npm and bundled into the artifact (OpenClaw installs no dependencies of an archive), packed and
// installed like our own plugins. beta.13 reaches a local host only on port 48870 (it derives
// ws://<ip>:48870), so the world listens there by default. Prints one line per call and exits 1 when a
// call fails.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { startKichiWorld } from "../../apps/kichi-world/dist/index.js";
import { gatewayEnv, installPlugins, startGatewayProcess, stopProcessTree, writeGatewayConfig } from "./openclaw-gateway.mjs";

const execFileAsync = promisify(execFile);
// The WebSocket client of the world package (this harness has no ws of its own).
const WebSocket = createRequire(resolve(import.meta.dirname, "../../apps/kichi-world/package.json"))("ws");

function parseArgs(argv) {
  const args = { checkout: undefined, port: 48870 };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === "--port") args.port = Number(argv[++i]);
    else if (!args.checkout) args.checkout = resolve(argv[i]);
    else throw new Error(`unexpected argument ${argv[i]}`);
  }
  if (!args.checkout || !Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
    throw new Error("usage: node scripts/e2e/kichi-upstream.mjs <checkout dir> [--port 48870]");
  }
  return args;
}

/** A copy of the checkout whose artifact carries its dependencies (`bundleDependencies`). */
async function stageCheckout(checkout, root) {
  const stage = join(root, "stage");
  await cp(checkout, stage, { recursive: true, filter: (src) => !/[/\\](\.git|node_modules)$/.test(src) });
  await execFileAsync("npm", ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock"], {
    cwd: stage,
    env: { ...process.env, npm_config_update_notifier: "false" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const pkg = JSON.parse(await readFile(join(stage, "package.json"), "utf8"));
  const deps = Object.keys(pkg.dependencies ?? {});
  pkg.bundleDependencies = deps;
  pkg.files = [...(pkg.files ?? []), ...deps.map((d) => `node_modules/${d}`)];
  await writeFile(join(stage, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  return { stage, version: pkg.version };
}

/** Another bot in the room, over a bare WebSocket, so bot messages have someone to reach. */
async function peerBot(wsUrl, avatarId) {
  const socket = new WebSocket(wsUrl);
  const frames = [];
  socket.on("message", (data) => frames.push(JSON.parse(String(data))));
  await new Promise((ok, fail) => {
    socket.once("open", ok);
    socket.once("error", fail);
  });
  const waitFor = async (type, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = frames.findIndex((f) => f.type === type);
      if (at >= 0) return frames.splice(at, 1)[0];
      if (Date.now() > deadline) throw new Error(`peer saw no ${type}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const send = (frame) => socket.send(JSON.stringify(frame));
  send({ type: "join", requestId: "peer-join", avatarId, botName: avatarId, bio: "a bare client", tags: [], source: "test" });
  return { socket, send, waitFor, authKey: (await waitFor("join_ack")).authKey };
}

async function main() {
  const { checkout, port } = parseArgs(process.argv.slice(2));
  const manifest = JSON.parse(await readFile(join(checkout, "openclaw.plugin.json"), "utf8"));
  const tools = manifest.contracts?.tools ?? [];
  const root = await mkdtemp(join(tmpdir(), "kichi-upstream-"));
  const home = join(root, "home");
  await mkdir(join(home, ".openclaw", "kichi-world", "agents", "main"), { recursive: true });
  await mkdir(join(root, "tmp"), { recursive: true });
  const env = gatewayEnv({ home, tmp: join(root, "tmp"), extra: { OPENCLAW_SKIP_CHANNELS: "1" } });
  const world = await startKichiWorld({ port });
  const host = port === 48870 ? "127.0.0.1" : `127.0.0.1:${port}`;
  let gateway;
  const results = [];
  try {
    const { stage, version } = await stageCheckout(checkout, root);
    console.log(`upstream ${version} (${tools.length} tools) against Kichi World at ${world.wsUrl}`);
    // The official join source: newer versions then offer every tool (the schedule sync, presence).
    await writeFile(join(home, ".openclaw", "kichi-world", "join-source.json"), JSON.stringify({ source: "kichiclaw" }));
    const hour = new Date().getUTCHours();
    await writeFile(
      join(home, ".openclaw", "kichi-world", "agents", "main", "daily-schedule.json"),
      JSON.stringify({
        date: new Date().toISOString().slice(0, 10),
        timezone: "UTC",
        activeArcs: ["check"],
        slots: [
          { h: 0, place: { type: "home" }, act: "rest", mood: "calm", sleep: false },
          ...(hour > 0 ? [{ h: hour, place: { type: "kichi_room" }, act: "work", mood: "busy", sleep: false }] : []),
        ],
      }),
    );
    const [installed] = await installPlugins({ plugins: [{ dir: stage }], home, env, artifactsDir: join(root, "artifacts") });
    await writeGatewayConfig(home, { logFile: join(root, "gateway.log"), plugins: [{ id: installed.id, allowConversationAccess: true }] });
    const token = randomBytes(18).toString("hex");
    const gatewayPort = await new Promise((ok) => {
      import("node:net").then(({ createServer }) => {
        const probe = createServer().listen(0, "127.0.0.1", () => {
          const { port: free } = probe.address();
          probe.close(() => ok(free));
        });
      });
    });
    gateway = startGatewayProcess({ home, env, port: gatewayPort, token });
    await gateway.ready;

    const invoke = async (tool, args = {}) => {
      const response = await fetch(`http://127.0.0.1:${gatewayPort}/tools/invoke`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ tool, args, sessionKey: "agent:main:main" }),
      });
      const body = await response.json().catch(() => ({}));
      return { status: response.status, details: body?.result?.details ?? body };
    };
    // Older versions return the auth key from kichi_join: it is never printed.
    const shown = (details) => JSON.stringify(details, (key, value) => (key === "authKey" ? "[redacted]" : value));
    const check = async (tool, args, ok = (d) => d?.success !== false) => {
      const { status, details } = await invoke(tool, args);
      const passed = status === 200 && ok(details);
      results.push({ tool, passed });
      console.log(`${passed ? "pass" : "FAIL"}  ${tool} ${JSON.stringify(args)} -> ${status} ${shown(details).slice(0, 240)}`);
      return details;
    };
    const newStyle = tools.includes("kichi_glance");
    const has = (tool) => tools.includes(tool);

    await check("kichi_switch_host", { environment: "test", host });
    await check("kichi_join", {
      ...(newStyle ? { environment: "test", host } : {}),
      avatarId: "upstream-bot",
      botName: "Upstream Bot",
      bio: "upstream plugin in the real gateway",
      tags: ["check"],
    });
    await check("kichi_connection_status", {}, (d) => d?.connected === true || d?.status?.connected === true);
    await check("kichi_rejoin", {});
    await check("kichi_action", {
      poseType: "sit",
      action: "Typing with Keyboard",
      bubble: "Checking",
      avatarStatus: "Busy",
      log: "I check the upstream plugin.",
      verify: true,
    });
    if (has("kichi_glance")) await check("kichi_glance", {});
    await check("kichi_idle_plan", {
      heartbeatIntervalSeconds: 60,
      goal: "Sketch a cat",
      stages: [
        {
          name: "Sketch",
          purpose: "draw the cat",
          pomodoroPhase: "focus",
          avatarStatus: "Activities",
          durationSeconds: 60,
          actions: [{ poseType: "sit", action: "Writing", durationSeconds: 60, bubble: "Sketching", log: "I sketch the ears." }],
        },
      ],
    });
    if (has("kichi_sync_mate_daily_schedule")) await check("kichi_sync_mate_daily_schedule", {});
    await check("kichi_clock", {
      action: "set",
      clock: { mode: "countDown", durationSeconds: 300, remainingSeconds: 300, running: true },
    });
    await check("kichi_query_status", {}, (d) => d?.type === "query_status_result" || d?.dailyLimit !== undefined);
    if (newStyle) {
      await check("kichi_query_status", { presenceScope: "current" }, (d) => d?.resolvedPresence?.currentSource !== undefined);
    }
    await check("kichi_music_album_create", { albumTitle: "Upstream", musicTitles: ["Reverie"] });
    await check("kichi_noteboard_create", { propId: "notes-board-1", data: `upstream ${version} was here` });
    const peer = await peerBot(world.wsUrl, "peer-bot");
    await check("kichi_bot_message", { toAvatarId: "peer-bot", depth: 0, bubble: "Hello peer" });
    await peer.waitFor("bot_message_received");
    if (has("kichi_bot_message_history")) {
      await check("kichi_bot_message_history", {}, (d) => d?.success === true && d.entries?.some((e) => e.bubble === "Hello peer"));
    }
    await check("kichi_leave", {});
    // A stale key: the answer comes in leave_ack, so the leave fails at once instead of timing out.
    await check("kichi_join", {
      ...(newStyle ? { environment: "test", host } : {}),
      avatarId: "upstream-bot",
      botName: "Upstream Bot",
      bio: "again",
    });
    peer.send({ type: "join", requestId: "steal", avatarId: "upstream-bot", botName: "Thief", bio: "b", tags: [], source: "test" });
    await peer.waitFor("join_ack");
    results.push({ tool: "kichi_leave (stale key)", passed: false });
    const started = Date.now();
    const stale = await invoke("kichi_leave", {});
    const refusedInAck = stale.details?.success === false && stale.details?.errorCode === "auth_error";
    results[results.length - 1].passed = refusedInAck;
    console.log(`${refusedInAck ? "pass" : "FAIL"}  kichi_leave (stale key) -> ${shown(stale.details)} after ${Date.now() - started} ms`);
    peer.socket.close();
  } finally {
    if (gateway) await stopProcessTree(gateway.child);
    await world.close();
    await rm(root, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.passed);
  const called = new Set(results.map((r) => r.tool.split(" ")[0]));
  const uncalled = tools.filter((t) => !called.has(t));
  console.log(`${results.length - failed.length}/${results.length} calls passed; tools not called: ${uncalled.join(", ") || "none"}`);
  process.exit(failed.length > 0 || uncalled.length > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});
