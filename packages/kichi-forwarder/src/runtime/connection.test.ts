import { EventEmitter } from "node:events";
import { type ManualClock, manualClock as sharedManualClock } from "@clawbridge/plugin-host/testing";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { BackoffPolicy } from "./backoff.js";
import { type ConnectionClock, KichiConnection } from "./connection.js";

const auth = { avatarId: "a", authKey: "k" };
const query = (requestId: string) => ({ type: "query_status" as const, requestId, ...auth });
const album = (requestId: string) => ({ type: "create_music_album" as const, requestId, ...auth, albumTitle: "t", musicTitles: ["m"] });
const bot = (requestId: string) => ({ type: "bot_message" as const, requestId, ...auth, toAvatarId: "b", depth: 0, bubble: "hi" });

/** A socket the test drives: it opens, receives and closes when told to. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.CONNECTING;
  sent: any[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  open() {
    this.readyState = WebSocket.OPEN;
    this.emit("open");
  }
  receive(frame: unknown) {
    this.emit("message", Buffer.from(typeof frame === "string" ? frame : JSON.stringify(frame)), false);
  }
  close() {
    this.readyState = WebSocket.CLOSED;
    this.emit("close");
  }
  terminate() {
    this.close();
  }
}

/** The shared manual clock, with a jitter that always draws the top of its range. */
function manualClock(): ConnectionClock & ManualClock {
  return { ...sharedManualClock(), random: () => 1 };
}

const policy: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitterRatio: 0, healthyAfterMs: 1_000 };

function setup() {
  const clock = manualClock();
  const sockets: FakeSocket[] = [];
  const frames: any[] = [];
  let opens = 0;
  const warnings: string[] = [];
  const connection = new KichiConnection({
    url: "ws://127.0.0.1:1/ws/openclaw",
    backoff: policy,
    clock,
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    logger: { info() {}, warn: (m) => void warnings.push(m) },
    onOpen: () => {
      opens += 1;
    },
    onFrame: (f) => void frames.push(f),
  });
  return { clock, sockets, frames, connection, warnings, opens: () => opens };
}

describe("KichiConnection", () => {
  it("correlates replies by requestId and passes other frames on", async () => {
    const { connection, sockets, frames } = setup();
    connection.connect();
    sockets[0]!.open();
    const reply = connection.request(query("q1"), "query_status_result", 1_000);
    expect(sockets[0]!.sent).toEqual([query("q1")]);
    sockets[0]!.receive({ type: "bot_message_received", from: "b", fromName: "B", depth: 0, bubble: "hi" });
    sockets[0]!.receive({ type: "query_status_result", requestId: "q1", dailyLimit: 3, remaining: 3, notes: [] });
    await expect(reply).resolves.toMatchObject({ type: "query_status_result", remaining: 3 });
    expect(frames).toEqual([expect.objectContaining({ type: "bot_message_received" })]);
    expect(connection.pendingCount).toBe(0);
  });

  it("rejects on an error frame, a wrong reply type, and a timeout", async () => {
    const { connection, sockets, clock } = setup();
    connection.connect();
    sockets[0]!.open();
    const errored = connection.request(album("a"), "create_music_album_ack", 1_000);
    sockets[0]!.receive({ type: "error", requestId: "a", code: "album_already_created", message: "once a day" });
    await expect(errored).rejects.toThrow("album_already_created: once a day");
    const wrong = connection.request(bot("b"), "bot_message_ack", 1_000);
    sockets[0]!.receive({ type: "leave_ack", requestId: "b", success: true });
    await expect(wrong).rejects.toThrow("expected bot_message_ack but the server answered leave_ack");
    const slow = connection.request(query("c"), "query_status_result", 500);
    clock.advance(499);
    expect(connection.pendingCount).toBe(1);
    clock.advance(1);
    await expect(slow).rejects.toThrow("Timed out waiting for query_status_result after 500 ms");
  });

  it("ack failure shape: a refusal in the awaited ack rejects with its errorCode and errorMessage", async () => {
    const { connection, sockets } = setup();
    connection.connect();
    sockets[0]!.open();
    const leave = connection.request({ type: "leave", requestId: "l", ...auth }, "leave_ack", 1_000);
    sockets[0]!.receive({ type: "leave_ack", success: false, errorCode: "auth_error", errorMessage: "Not authorised" });
    await expect(leave).rejects.toMatchObject({ name: "Error", errorCode: "auth_error", errorMessage: "Not authorised" });
    const glance = connection.request(
      { type: "kichi_glance", requestId: "g", ...auth, target: "camera", duration: 1 },
      "kichi_glance_ack",
      1_000,
    );
    sockets[0]!.receive({ type: "kichi_glance_ack", requestId: "g", target: "camera" });
    await expect(glance).resolves.toEqual({ type: "kichi_glance_ack", requestId: "g", target: "camera" });
  });

  it("matches a reply without requestId to the oldest request waiting for its type", async () => {
    const { connection, sockets } = setup();
    connection.connect();
    sockets[0]!.open();
    const join = connection.request(
      { type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" },
      "join_ack",
      1_000,
    );
    sockets[0]!.receive({ type: "join_ack", success: true, authKey: "k" });
    await expect(join).resolves.toMatchObject({ authKey: "k" });
  });

  it("ignores malformed frames with a warning", () => {
    const { connection, sockets, frames, warnings } = setup();
    connection.connect();
    sockets[0]!.open();
    sockets[0]!.receive("not json");
    sockets[0]!.receive({ type: "mystery" });
    expect(frames).toEqual([]);
    expect(warnings).toHaveLength(2);
  });

  it("rejects every pending request at once when the socket closes, then reconnects with backoff", async () => {
    const { connection, sockets, clock, opens } = setup();
    connection.connect();
    sockets[0]!.open();
    expect(opens()).toBe(1);
    const a = connection.request(query("1"), "query_status_result", 10_000);
    const b = connection.request(bot("2"), "bot_message_ack", 10_000);
    sockets[0]!.close();
    await expect(a).rejects.toThrow("Kichi websocket closed before the reply arrived; it reconnects on its own, retry shortly");
    await expect(b).rejects.toThrow("Kichi websocket closed");
    expect(connection.pendingCount).toBe(0);
    expect(connection.reconnectScheduled).toBe(true);
    expect(clock.scheduled()).toEqual([100]);
    clock.advance(100);
    expect(sockets).toHaveLength(2);
    sockets[1]!.close();
    expect(clock.scheduled()).toEqual([200]);
    clock.advance(200);
    sockets[2]!.close();
    expect(clock.scheduled()).toEqual([400]);
    clock.advance(400);
    sockets[3]!.close();
    expect(clock.scheduled()).toEqual([400]);
    clock.advance(400);
    sockets[4]!.open();
    expect(opens()).toBe(2);
    clock.advance(1_000);
    sockets[4]!.close();
    expect(clock.scheduled()).toEqual([100]);
  });

  it("refuses to send while not open, and stop() ends reconnecting", async () => {
    const { connection, sockets, clock } = setup();
    connection.connect();
    await expect(connection.request(query("x"), "query_status_result", 100)).rejects.toThrow(
      "Kichi websocket is not open (connecting); cannot send query_status",
    );
    expect(connection.send({ type: "status", ...auth, poseType: "", action: "", bubble: "", log: "", playback: { mode: "loop" } })).toBe(
      false,
    );
    sockets[0]!.open();
    const pending = connection.request(query("y"), "query_status_result", 1_000);
    connection.stop("Kichi websocket switched to other:1");
    await expect(pending).rejects.toThrow("Kichi websocket switched to other:1");
    expect(connection.reconnectScheduled).toBe(false);
    clock.advance(10_000);
    expect(sockets).toHaveLength(1);
  });

  it("waitOpen resolves on open, or false after the timeout", async () => {
    const { connection, sockets, clock } = setup();
    connection.connect();
    const late = connection.waitOpen(300);
    clock.advance(300);
    await expect(late).resolves.toBe(false);
    const soon = connection.waitOpen(300);
    sockets[0]!.open();
    await expect(soon).resolves.toBe(true);
  });
});
