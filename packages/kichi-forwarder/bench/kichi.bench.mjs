// kichi-forwarder benchmark (run by `pnpm bench kichi`, on built dist):
//  1. kichi_action verify:true through LocalHost POST /tools/invoke → WebSocket → status_ack, p50/p99,
//     against the floor of that path measured in the same run: one bare HTTP request/response on
//     loopback (the same fetch, a server that only reads the body and answers) plus one raw WebSocket
//     echo. Target: p50 within 3x the floor;
//  2. time from the Kichi World server being back up to the agent rejoined, after outages of
//     different lengths, with the default backoff (upstream waits a fixed 2 s). Target: median under
//     300 ms after a 1 s outage.
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const here = import.meta.dirname;
const pkgDir = resolve(here, "..");
const require = createRequire(join(pkgDir, "package.json"));
const { WebSocketServer, WebSocket } = require("ws");
const fromRoot = (p) => pathToFileURL(resolve(pkgDir, "../..", p)).href;
const { LocalHost } = await import(fromRoot("packages/plugin-host/dist/local-host/index.js"));
const { startKichiWorld } = await import(fromRoot("apps/kichi-world/dist/index.js"));

const ROUNDS = 400;
const WARMUP = 40;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}
const ms = (n) => `${n.toFixed(3)} ms`;

async function echoBaseline() {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => server.once("listening", r));
  server.on("connection", (s) => s.on("message", (d) => s.send(String(d))));
  const client = new WebSocket(`ws://127.0.0.1:${server.address().port}`);
  await new Promise((r) => client.once("open", r));
  const frame = JSON.stringify({
    type: "status",
    avatarId: "a",
    authKey: "k".repeat(32),
    poseType: "sit",
    action: "Thinking",
    bubble: "Thinking",
    log: "",
    playback: { mode: "loop" },
  });
  const samples = [];
  for (let i = 0; i < ROUNDS + WARMUP; i += 1) {
    const t = performance.now();
    await new Promise((r) => {
      client.once("message", r);
      client.send(frame);
    });
    if (i >= WARMUP) samples.push(performance.now() - t);
  }
  client.close();
  server.close();
  return summary(samples);
}

/** One bare HTTP request/response on loopback, with the body and headers a tool call carries. */
async function httpBaseline() {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: true, result: { details: { success: true, length: body.length } } }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}/tools/invoke`;
  const body = JSON.stringify({ tool: "kichi_action", args: { poseType: "sit", action: "Thinking", avatarStatus: "Busy", verify: true } });
  const samples = [];
  for (let i = 0; i < ROUNDS + WARMUP; i += 1) {
    const t = performance.now();
    const response = await fetch(url, { method: "POST", headers: { authorization: "Bearer x", "content-type": "application/json" }, body });
    await response.json();
    if (i >= WARMUP) samples.push(performance.now() - t);
  }
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  return summary(samples);
}

async function newHost(worldHost, reconnect) {
  const host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "kichi-bench-")), logger: quiet });
  await host.load(pkgDir, { config: { environment: "test", testHost: worldHost, ...(reconnect ? { reconnect } : {}) } });
  await host.start();
  return host;
}

async function invoke(host, tool, args) {
  const response = await fetch(`${host.url}/tools/invoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${host.token}`, "content-type": "application/json" },
    body: JSON.stringify({ tool, args }),
  });
  const body = await response.json();
  const details = body.result?.details;
  if (!details?.success) throw new Error(`${tool} failed: ${JSON.stringify(body)}`);
  return details;
}

async function actionRoundTrip() {
  const world = await startKichiWorld();
  const host = await newHost(world.host);
  await invoke(host, "kichi_join", { environment: "test", avatarId: "bench", botName: "Bench", bio: "benchmark" });
  const samples = [];
  for (let i = 0; i < ROUNDS + WARMUP; i += 1) {
    const t = performance.now();
    await invoke(host, "kichi_action", {
      poseType: i % 2 ? "sit" : "stand",
      action: i % 2 ? "Thinking" : "Wait",
      avatarStatus: "Busy",
      verify: true,
    });
    if (i >= WARMUP) samples.push(performance.now() - t);
  }
  await host.stop();
  await world.close();
  return summary(samples);
}

const sleep = (n) => new Promise((r) => setTimeout(r, n));

/** Closes the server, keeps it down for `downMs`, restarts it on the same port; ms until the avatar is back. */
async function rejoinAfterOutage(downMs, reps) {
  const stateDir = await mkdtemp(join(tmpdir(), "kichi-bench-world-"));
  const identitiesFile = join(stateDir, "ids.json");
  let world = await startKichiWorld({ identitiesFile });
  const port = world.port;
  // healthyAfterMs is shortened only so repetitions start from a reset backoff, as after a long healthy connection.
  const host = await newHost(world.host, { healthyAfterMs: 200 });
  await invoke(host, "kichi_join", { environment: "test", avatarId: "rejoiner", botName: "Rejoiner", bio: "benchmark" });
  const times = [];
  for (let i = 0; i < reps; i += 1) {
    await sleep(300);
    await world.close();
    await sleep(downMs);
    world = await startKichiWorld({ port, identitiesFile });
    const up = performance.now();
    const deadline = up + 10_000;
    while (!world.world.connectionsOf("rejoiner").length) {
      if (performance.now() > deadline) throw new Error("agent did not rejoin within 10 s");
      await new Promise((r) => setImmediate(r));
    }
    times.push(performance.now() - up);
  }
  await host.stop();
  await world.close();
  return times.sort((a, b) => a - b);
}

const http = await httpBaseline();
const echo = await echoBaseline();
const action = await actionRoundTrip();
const floor = { p50: http.p50 + echo.p50, p99: http.p99 + echo.p99 };
const ratio = action.p50 / floor.p50;
console.log(`bare HTTP request/response (floor part 1)  p50 ${ms(http.p50)}  p99 ${ms(http.p99)}`);
console.log(`raw WebSocket echo (floor part 2)          p50 ${ms(echo.p50)}  p99 ${ms(echo.p99)}`);
console.log(`floor (HTTP + echo)                        p50 ${ms(floor.p50)}  p99 ${ms(floor.p99)}`);
console.log(`kichi_action verify:true via /tools/invoke p50 ${ms(action.p50)}  p99 ${ms(action.p99)}`);
console.log(
  `  ratio to floor  p50 ${ratio.toFixed(2)}x  p99 ${(action.p99 / floor.p99).toFixed(2)}x  target p50 <= 3x: ${ratio <= 3 ? "met" : "NOT met"}`,
);
console.log(
  "time from server back up to agent rejoined (default backoff: 100 ms doubling, 20% jitter, cap 500 ms; upstream: fixed 2000 ms)",
);
for (const downMs of [0, 1000, 3000]) {
  const times = await rejoinAfterOutage(downMs, 5);
  const median = times[Math.floor(times.length / 2)];
  const target = downMs === 1000 ? `  target median < 300 ms: ${median < 300 ? "met" : "NOT met"}` : "";
  console.log(
    `  outage ${String(downMs).padStart(4)} ms: median ${ms(median)}  max ${ms(times.at(-1))}  (${(median / 2000).toFixed(2)}x upstream's 2 s retry)${target}`,
  );
}
process.exit(0);
