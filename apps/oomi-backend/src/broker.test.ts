import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OOMI_DEVICE_CHANNEL_IDENTIFIER, OomiBrokerServerFrameSchema } from "@clawbridge/contracts";
import { PROTOTYPE_KEYS } from "@clawbridge/plugin-host/testing";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningOomiBackend, startOomiBackend } from "./server.js";

const device = { deviceId: "dev-a", deviceToken: "token-a-0123456789" };
let running: RunningOomiBackend[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(running.map((b) => b.stop()));
  running = [];
});

async function start(options: { maxBrokerFrameBytes?: number } = {}) {
  const dataFile = join(await mkdtemp(join(tmpdir(), "oomi-broker-")), "store.json");
  const backend = await startOomiBackend({ dataFile, devices: [device], ...options });
  running.push(backend);
  return backend;
}

async function api(backend: RunningOomiBackend, method: string, path: string, body?: unknown) {
  const response = await fetch(`${backend.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${device.deviceToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, any>;
}

const say = async (backend: RunningOomiBackend, content: string) =>
  (await api(backend, "POST", "/v1/channel/user/messages", { conversationKey: "c1", userId: "u1", content })).messageId as string;

const queueState = async (backend: RunningOomiBackend, messageId: string) =>
  (await api(backend, "GET", "/v1/channel/plugin/queue")).messages.find((m: any) => m.message.messageId === messageId)?.state;

/** A device socket that keeps every JSON frame it receives, and waits for the next one that matches. */
async function open(backend: RunningOomiBackend, path: string, token: string | null = device.deviceToken) {
  const url = `${backend.url.replace(/^http/, "ws")}${path}${token === null ? "" : `?token=${encodeURIComponent(token)}`}`;
  const socket = new WebSocket(url);
  sockets.push(socket);
  const frames: any[] = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    frames.push(JSON.parse(data.toString()));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(text) })));
    });
    socket.once("error", reject);
  });
  let seen = 0;
  /** The next frame (after the ones already taken) that matches. */
  const next = async (match: (frame: any) => boolean = () => true): Promise<any> => {
    for (;;) {
      while (seen < frames.length) {
        const frame = frames[seen++];
        if (match(frame)) return frame;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const send = (value: unknown) => socket.send(typeof value === "string" ? value : JSON.stringify(value));
  return { socket, next, send, closed };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ status: 101, body: null }),
    (error) => ({ status: error.status, body: error.body }),
  );

describe("the device broker WebSocket", () => {
  it("plain framing: device.ready, queued chat as channel.message, the ack settles it", async () => {
    const backend = await start();
    const early = await say(backend, "queued before the device connected");
    const device = await open(backend, "/v1/device/ws");
    expect(OomiBrokerServerFrameSchema.parse(await device.next())).toEqual({ type: "device.ready", deviceId: "dev-a" });
    expect(await device.next()).toMatchObject({
      type: "channel.message",
      message: { messageId: early, content: "queued before the device connected" },
    });
    const live = await say(backend, "sent while connected");
    expect(await device.next()).toMatchObject({ type: "channel.message", message: { messageId: live, metadata: { type: "chat" } } });
    device.send({ type: "channel.ack", messageId: live, outcome: "delivered" });
    expect(await device.next()).toEqual({ type: "channel.acked", messageId: live, state: "delivered" });
    expect(await queueState(backend, live)).toBe("delivered");
    expect(await queueState(backend, early)).toBe("leased");
  });

  it("ActionCable framing on /cable: welcome, subscribe, confirm, frames inside {identifier, message}", async () => {
    const backend = await start();
    const device = await open(backend, "/cable");
    expect(await device.next()).toEqual({ type: "welcome" });
    device.send({ command: "message", identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER, data: JSON.stringify({ type: "heartbeat" }) });
    expect(await device.next()).toMatchObject({ message: { type: "error", code: "not_subscribed" } });
    device.send({ command: "subscribe", identifier: JSON.stringify({ channel: "OtherChannel" }) });
    expect(await device.next()).toEqual({ type: "reject_subscription", identifier: JSON.stringify({ channel: "OtherChannel" }) });
    device.send({ command: "subscribe", identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER });
    expect(await device.next()).toEqual({ type: "confirm_subscription", identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER });
    expect(await device.next()).toEqual({
      identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER,
      message: { type: "device.ready", deviceId: "dev-a" },
    });
    const messageId = await say(backend, "hello cable");
    expect(await device.next()).toMatchObject({
      identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER,
      message: { type: "channel.message", message: { messageId } },
    });
    device.send({
      command: "message",
      identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER,
      data: JSON.stringify({ type: "channel.ack", messageId, outcome: "failed", failureCode: "dm_policy_blocked" }),
    });
    expect(await device.next()).toMatchObject({ message: { type: "channel.acked", messageId, state: "failed" } });
    expect(await queueState(backend, messageId)).toBe("failed");
  });

  it("a message a closed connection never acked is offered again on the next connection", async () => {
    const backend = await start();
    const first = await open(backend, "/v1/device/ws");
    const messageId = await say(backend, "replay me");
    expect(await first.next((f) => f.type === "channel.message")).toMatchObject({ message: { messageId } });
    first.socket.close();
    await first.closed;
    const second = await open(backend, "/v1/device/ws");
    expect(await second.next((f) => f.type === "channel.message")).toMatchObject({ message: { messageId } });
  });

  it("refuses a missing, wrong or prototype-key token with a JSON 401, and another path with a JSON 404", async () => {
    const backend = await start();
    for (const token of [null, "", "wrong-token", ...PROTOTYPE_KEYS]) {
      expect({ token, ...(await refusal(open(backend, "/v1/device/ws", token))) }).toMatchObject({
        token,
        status: 401,
        body: { code: "unauthorized" },
      });
    }
    expect(await refusal(open(backend, "/v1/device/elsewhere"))).toMatchObject({ status: 404, body: { code: "not_found" } });
    expect(await refusal(open(backend, "/cable", "wrong-token"))).toMatchObject({ status: 401 });
  });

  it("answers malformed frames with an error frame, keeps the connection, and closes on an oversized one", async () => {
    const backend = await start({ maxBrokerFrameBytes: 4096 });
    const device = await open(backend, "/v1/device/ws");
    await device.next((f) => f.type === "device.ready");
    const bad: Array<[unknown, string]> = [
      ["{not json", "invalid_json"],
      ["[]", "invalid_frame"],
      [{ type: "nope" }, "invalid_frame"],
      [{ type: "channel.ack", messageId: 7, outcome: "delivered" }, "invalid_frame"],
      [{ type: "channel.ack", messageId: "m", outcome: "maybe" }, "invalid_frame"],
      ...PROTOTYPE_KEYS.map((key): [unknown, string] => [
        { type: "channel.ack", messageId: key, outcome: "delivered" },
        "message_not_found",
      ]),
      ['{"type":"channel.ack","messageId":"x","outcome":"delivered","__proto__":{"polluted":true}}', "message_not_found"],
    ];
    for (const [frame, code] of bad) {
      device.send(frame);
      expect({ frame, ...(await device.next((f) => f.type === "error")) }).toMatchObject({ frame, type: "error", code });
    }
    device.socket.send(Buffer.from([1, 2, 3]));
    expect(await device.next((f) => f.type === "error")).toMatchObject({ code: "invalid_frame" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Upstream's bridge sends these; they are accepted without an answer.
    device.send({ action: "heartbeat", type: "heartbeat" });
    device.send({ action: "log", type: "log", level: "info", message: "bridge says hi" });
    const messageId = await say(backend, "still served");
    expect(await device.next((f) => f.type === "channel.message")).toMatchObject({ message: { messageId } });
    device.send(JSON.stringify({ type: "heartbeat", pad: "x".repeat(8192) }));
    expect(await device.closed).toBe(1009);
    const again = await open(backend, "/v1/device/ws");
    expect(await again.next((f) => f.type === "device.ready")).toMatchObject({ deviceId: "dev-a" });
  });
});
