// `pnpm bench oomi`: an Oomi chat message in → the agent's reply out, through the real OpenClaw gateway
// (the `oomi` channel, its account monitor on the device broker WebSocket, core's inbound pipeline,
// the demo model, sendText), against a raw round trip of the same frames on the same kind of sockets
// in the same run: a bench device on the same backend receives the same `channel.message` frame over
// its own broker WebSocket and posts the same reply body at once. Rounds alternate the two; the report
// is p50 and p99 of each and their ratio. The gateway's first turns (cold caches) are warm-up, not counted.
//   CLAWBRIDGE_BENCH_OOMI_ROUNDS (default 20)
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import WebSocket from "ws";

const root = resolve(import.meta.dirname, "../../..");
const load = (path) => import(pathToFileURL(join(root, path)).href);
const { startOomiBackend } = await load("apps/oomi-backend/dist/index.js");
const { startDemoModel } = await load("apps/demo-model/dist/index.js");
const { gatewayEnv, installPlugins, startGatewayProcess, stopProcessTree, writeGatewayConfig } =
  await load("scripts/e2e/openclaw-gateway.mjs");

const rounds = Number(process.env.CLAWBRIDGE_BENCH_OOMI_ROUNDS ?? 20);
const WARM_UP = 3;
const BOUND_MS = 120_000;
const agentDevice = { deviceId: "bench-gateway", deviceToken: randomBytes(18).toString("hex") };
const rawDevice = { deviceId: "bench-raw", deviceToken: randomBytes(18).toString("hex") };

const dir = await mkdtemp(join(tmpdir(), "oomi-bench-channel-"));
const home = join(dir, "home");
const tmp = join(dir, "tmp");
await mkdir(home, { recursive: true });
await mkdir(tmp, { recursive: true });
const backend = await startOomiBackend({ dataFile: join(dir, "backend.json"), devices: [agentDevice, rawDevice] });
const model = await startDemoModel({});
let gateway;
let raw;

const freePort = () =>
  new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

/** Resolves once the backend has stored a reply to `messageId` (checked in-process, between event-loop turns). */
function replyStored(messageId) {
  return new Promise((done, fail) => {
    const deadline = Date.now() + BOUND_MS;
    const check = () => {
      if (backend.store.data.outbox.some((m) => m.correlationId === messageId)) return done();
      if (Date.now() > deadline) return fail(new Error(`no reply to ${messageId} within ${BOUND_MS} ms`));
      setTimeout(check, 1);
    };
    check();
  });
}

async function post(device, path, body) {
  const response = await fetch(`${backend.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${device.deviceToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** One round: the user's message posted, until the reply is stored at the backend (ms). */
async function round(device, index) {
  const started = process.hrtime.bigint();
  const { messageId } = await post(device, "/v1/channel/user/messages", {
    conversationKey: `bench-${device.deviceId}`,
    userId: "bench-user",
    content: `bench message ${index}`,
  });
  await replyStored(messageId);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The raw device: answers each channel.message at once with the same reply body sendText posts, then acks it. */
async function connectRawDevice() {
  const socket = new WebSocket(`${backend.url.replace(/^http/, "ws")}/v1/device/ws?token=${rawDevice.deviceToken}`);
  socket.on("message", async (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type !== "channel.message") return;
    const { message } = frame;
    await post(rawDevice, "/v1/channel/plugin/messages", {
      messageId: `oc_${randomBytes(8).toString("hex")}`,
      correlationId: message.messageId,
      conversationKey: message.conversationKey,
      userId: message.userId,
      sessionKey: "agent:main:webchat:channel:oomi",
      content: `This is the clawbridge demo model, not an AI. You said: "${message.content}"`,
      source: "openclaw.channel",
      metadata: { accountId: "raw", correlationId: message.messageId },
    });
    socket.send(JSON.stringify({ type: "channel.ack", messageId: message.messageId, outcome: "delivered" }));
  });
  await new Promise((done, fail) => {
    socket.once("open", done);
    socket.once("error", fail);
  });
  return socket;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

try {
  const env = gatewayEnv({ home, tmp });
  const [installed] = await installPlugins({
    plugins: [{ dir: resolve(import.meta.dirname, "..") }],
    home,
    env,
    artifactsDir: join(dir, "artifacts"),
  });
  await writeGatewayConfig(home, {
    logFile: join(dir, "gateway.log"),
    plugins: [
      {
        id: installed.id,
        config: {
          backendUrl: backend.url,
          deviceId: agentDevice.deviceId,
          deviceToken: agentDevice.deviceToken,
          workspaceRoot: join(dir, "personas"),
        },
      },
    ],
    model: { baseUrl: model.baseUrl, modelId: model.modelId },
    channels: { oomi: { accounts: { bench: { backendUrl: backend.url, deviceToken: agentDevice.deviceToken } } } },
  });
  gateway = startGatewayProcess({ home, env, port: await freePort(), token: randomBytes(18).toString("hex") });
  await gateway.ready;
  raw = await connectRawDevice();
  for (let index = 0; index < WARM_UP; index += 1) await round(agentDevice, `warm-up ${index}`);
  const samples = { "raw round trip (same frames, same sockets)": [], "through the real gateway": [] };
  for (let index = 0; index < rounds; index += 1) {
    samples["raw round trip (same frames, same sockets)"].push(await round(rawDevice, index));
    samples["through the real gateway"].push(await round(agentDevice, index));
  }
  const [baseName, gatewayName] = Object.keys(samples);
  const base = { p50: percentile(samples[baseName], 50), p99: percentile(samples[baseName], 99) };
  console.log(`Oomi message in → reply stored, ${rounds} rounds each (p99 of ${rounds} samples is their slowest)`);
  for (const [name, values] of Object.entries(samples)) {
    const p50 = percentile(values, 50);
    const p99 = percentile(values, 99);
    const ratio = name === gatewayName ? `  ×${(p50 / base.p50).toFixed(1)} p50, ×${(p99 / base.p99).toFixed(1)} p99` : "";
    console.log(`  ${name.padEnd(44)} p50 ${p50.toFixed(1).padStart(8)} ms  p99 ${p99.toFixed(1).padStart(8)} ms${ratio}`);
  }
} finally {
  raw?.terminate();
  if (gateway) await stopProcessTree(gateway.child);
  await model.close();
  await backend.stop();
  await rm(dir, { recursive: true, force: true });
}
