import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningKichiWorld, startKichiWorld } from "./server.js";

let running: RunningKichiWorld | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A client that collects frames and can wait for the next one. */
async function client(url: string) {
  const socket = new WebSocket(url);
  const frames: any[] = [];
  const waiters: Array<(f: any) => void> = [];
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data));
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return {
    socket,
    next: () => (frames.length > 0 ? Promise.resolve(frames.shift()) : new Promise<any>((resolve) => waiters.push(resolve))),
    send: (frame: unknown) => socket.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
  };
}

describe("kichi-world server", () => {
  it("answers malformed frames with an error frame and keeps serving", async () => {
    running = await startKichiWorld();
    const c = await client(running.wsUrl);
    c.send("{oops");
    expect(await c.next()).toEqual({ type: "error", code: "invalid_json", message: "Frame is not valid JSON" });
    c.send({ type: "teleport", requestId: "r1" });
    expect(await c.next()).toMatchObject({ type: "error", requestId: "r1", code: "invalid_frame" });
    c.send({ type: "join", avatarId: "", botName: "x", bio: "y", tags: [], source: "s" });
    expect((await c.next()).message).toMatch(/^Invalid "join" frame: avatarId/);
    c.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.next()).toEqual({ type: "error", code: "binary_frame", message: "Frames must be JSON text" });
    c.send({ type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" });
    expect(await c.next()).toMatchObject({ type: "join_ack", success: true });
    c.socket.close();
  });

  it("closes a connection that sends an oversized frame (1009) and keeps serving others", async () => {
    running = await startKichiWorld();
    const big = await client(running.wsUrl);
    const closed = new Promise<number>((resolve) => big.socket.once("close", (code) => resolve(code)));
    big.send({ type: "join", avatarId: "a", botName: "x".repeat(70_000), bio: "b", tags: [], source: "s" });
    expect(await closed).toBe(1009);
    const next = await client(running.wsUrl);
    next.send({ type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" });
    expect(await next.next()).toMatchObject({ type: "join_ack", success: true });
    next.socket.close();
  });

  it("serves the room page and state read-only, and 404s other websocket paths", async () => {
    running = await startKichiWorld();
    const c = await client(running.wsUrl);
    c.send({ type: "join", requestId: "j", avatarId: "a", botName: "Ann <script>", bio: "b", tags: [], source: "s" });
    await c.next();
    const page = await fetch(`${running.url}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("Ann &lt;script&gt;");
    expect(html).toContain("Idle Backup Hands");
    expect((await fetch(`${running.url}/`, { method: "POST" })).status).toBe(405);
    const state = (await (await fetch(`${running.url}/state.json`)).json()) as { personnel: Array<{ avatarId: string }> };
    expect(state.personnel[0]?.avatarId).toBe("a");
    await expect(
      new Promise((resolve, reject) => {
        const bad = new WebSocket(`${running!.url.replace("http", "ws")}/elsewhere`);
        bad.once("open", () => reject(new Error("opened")));
        bad.once("error", resolve);
      }),
    ).resolves.toBeInstanceOf(Error);
  });

  it("keeps identities across a restart in a 0600 file", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "kichi-world-")), "ids.json");
    running = await startKichiWorld({ identitiesFile: file });
    let c = await client(running.wsUrl);
    c.send({ type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: ["t"], source: "s" });
    const { authKey } = await c.next();
    await running.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    running = await startKichiWorld({ identitiesFile: file });
    c = await client(running.wsUrl);
    c.send({ type: "rejoin", avatarId: "a", authKey });
    expect(await c.next()).toEqual({ type: "rejoin_ack", avatarId: "a", acks: true });
    c.socket.close();
  });

  it("relays a bot message between two connections", async () => {
    running = await startKichiWorld();
    const a = await client(running.wsUrl);
    const b = await client(running.wsUrl);
    a.send({ type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" });
    b.send({ type: "join", requestId: "j", avatarId: "b", botName: "B", bio: "b", tags: [], source: "s" });
    const { authKey } = await a.next();
    await b.next();
    a.send({ type: "bot_message", requestId: "m", avatarId: "a", authKey, toAvatarId: "b", depth: 0, bubble: "hey" });
    expect(await b.next()).toEqual({ type: "bot_message_received", from: "a", fromName: "A", depth: 0, bubble: "hey", history: [] });
    expect(await a.next()).toEqual({ type: "bot_message_ack", requestId: "m", toAvatarId: "b", deliveredTo: ["b"] });
  });
});
