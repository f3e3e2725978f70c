import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KichiWorldHttpErrorSchema } from "@clawbridge/contracts";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { JOIN_TIMEOUT_CLOSE_CODE, type RunningKichiWorld, startKichiWorld } from "./server.js";

let running: RunningKichiWorld | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const UPGRADE_HEADERS =
  "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

/** Writes raw bytes to the server and resolves with everything it answered once it closed the socket. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let out = "";
    socket.on("data", (chunk) => {
      out += String(chunk);
    });
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
    socket.write(text);
  });
}

/** Status and JSON body of a raw HTTP/1.1 response. */
function parseResponse(text: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  const body = text.slice(text.indexOf("\r\n\r\n") + 4);
  return { status, body: body ? JSON.parse(body) : undefined };
}

const closeCode = (socket: WebSocket) => new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));

/** A client that collects frames and can wait for the next one. */
async function client(url: string, options: WebSocket.ClientOptions = {}) {
  const socket = new WebSocket(url, options);
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

  it("item 1: a malformed request target or %-escape is a JSON 400 on HTTP and on upgrade, and the server keeps serving", async () => {
    running = await startKichiWorld();
    for (const target of ["//[", "/%zz", "/state.json%", "/ws/openclaw%zz", "/a b"]) {
      for (const upgrade of [false, true]) {
        const headers = upgrade ? UPGRADE_HEADERS : "Host: x\r\nConnection: close\r\n";
        const { status, body } = parseResponse(await rawExchange(running.port, `GET ${target} HTTP/1.1\r\n${headers}\r\n`));
        expect({ target, upgrade, status }).toEqual({ target, upgrade, status: 400 });
        expect(KichiWorldHttpErrorSchema.parse(body).error.code).toBe("bad_request");
      }
    }
    // `//a:99999/` made `new URL` read a host with a bad port; it is a path here, and no page.
    const { status, body } = parseResponse(
      await rawExchange(running.port, "GET //a:99999/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    expect(status).toBe(404);
    expect(KichiWorldHttpErrorSchema.parse(body).error.code).toBe("not_found");
    const upgraded = parseResponse(await rawExchange(running.port, `GET //a:99999/ HTTP/1.1\r\n${UPGRADE_HEADERS}\r\n`));
    expect(upgraded.status).toBe(404);
    expect(await (await fetch(`${running.url}/health`)).json()).toEqual({ ok: true });
    const c = await client(running.wsUrl);
    c.send({ type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" });
    expect(await c.next()).toMatchObject({ type: "join_ack", success: true });
    c.socket.close();
  });

  it("item 2: a prototype key as an avatar id is refused with an error frame, and Object.prototype stays clean", async () => {
    running = await startKichiWorld();
    const c = await client(running.wsUrl);
    c.send({ type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" });
    const { authKey } = await c.next();
    for (const key of ["__proto__", "constructor", "toString"]) {
      c.send({ type: "join", requestId: `j-${key}`, avatarId: key, botName: "X", bio: "b", tags: [], source: "s" });
      expect(await c.next()).toMatchObject({ type: "error", requestId: `j-${key}`, code: "invalid_frame" });
      c.send({ type: "rejoin", requestId: `r-${key}`, avatarId: key, authKey: "k" });
      expect(await c.next()).toMatchObject({ type: "error", requestId: `r-${key}`, code: "invalid_frame" });
      c.send({ type: "bot_message", requestId: `b-${key}`, avatarId: "a", authKey, toAvatarId: key, depth: 0, bubble: "hi" });
      expect(await c.next()).toMatchObject({ type: "error", requestId: `b-${key}`, code: "invalid_frame" });
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
    const state = (await (await fetch(`${running.url}/state.json`)).json()) as { personnel: Array<{ avatarId: string }> };
    expect(state.personnel.map((p) => p.avatarId)).toEqual(["a"]);
    c.socket.close();
  });

  it("item 2: saved identities with a prototype-key id are skipped at start and the others still rejoin", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kichi-world-"));
    const file = join(dir, "ids.json");
    const entry = (avatarId: string) => ({
      avatarId,
      authKey: `key-${avatarId}`,
      botName: "B",
      bio: "",
      tags: [],
      joinedAt: "2026-01-01T00:00:00Z",
    });
    await writeFile(file, JSON.stringify({ version: 1, avatars: [entry("__proto__"), entry("constructor"), entry("ann")] }));
    const lines: string[] = [];
    running = await startKichiWorld({ identitiesFile: file, log: (line) => lines.push(line) });
    expect(lines.join("\n")).toContain('skipped 2 saved identities whose avatar id is not valid: "__proto__", "constructor"');
    expect(lines.join("\n")).not.toContain("key-");
    const c = await client(running.wsUrl);
    c.send({ type: "rejoin", avatarId: "ann", authKey: "key-ann" });
    expect(await c.next()).toEqual({ type: "rejoin_ack", avatarId: "ann", acks: true });
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
    c.socket.close();
  });

  it("item 7: join_ack is sent once the key is in the identities file, and a failed write refuses the join instead", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kichi-world-"));
    const file = join(dir, "state", "ids.json");
    const lines: string[] = [];
    running = await startKichiWorld({ identitiesFile: file, log: (line) => lines.push(line) });
    const c = await client(running.wsUrl);
    const onDisk: string[] = [];
    // Read the file the moment each ack arrives: it must already hold the key it carries.
    c.socket.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type !== "join_ack" || !frame.success) return;
      onDisk.push(existsSync(file) && readFileSync(file, "utf8").includes(frame.authKey) ? "saved" : "missing");
    });
    for (let i = 0; i < 20; i += 1)
      c.send({ type: "join", requestId: `j${i}`, avatarId: `a${i}`, botName: "A", bio: "b", tags: [], source: "s" });
    for (let i = 0; i < 20; i += 1) expect(await c.next()).toMatchObject({ type: "join_ack", requestId: `j${i}`, success: true });
    expect(onDisk).toEqual(Array(20).fill("saved"));

    // The state folder becomes a file: every later write fails.
    await rm(join(dir, "state"), { recursive: true });
    await writeFile(join(dir, "state"), "not a folder");
    c.send({ type: "join", requestId: "x", avatarId: "late", botName: "L", bio: "b", tags: [], source: "s" });
    const refused = await c.next();
    expect(refused).toMatchObject({ type: "join_ack", requestId: "x", success: false, errorCode: "identity_not_saved" });
    expect(refused).not.toHaveProperty("authKey");
    expect(lines.some((line) => line.startsWith("could not save identities:"))).toBe(true);
    c.socket.close();
  });

  it("item 9: a frame whose header announces more than maxPayload is refused with 1009 before its payload is sent", async () => {
    running = await startKichiWorld();
    const port = running.port;
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let received = Buffer.alloc(0);
      let upgraded = false;
      socket.on("data", (chunk) => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf("\r\n\r\n");
        if (!upgraded && end >= 0) {
          upgraded = true;
          expect(received.subarray(0, 12).toString()).toBe("HTTP/1.1 101");
          received = received.subarray(end + 4);
          // FIN + text, masked, 64-bit length of 1 GiB, mask key; no payload follows.
          const header = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4]);
          socket.write(header);
        }
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
      socket.write(`GET /ws/openclaw HTTP/1.1\r\n${UPGRADE_HEADERS}\r\n`);
    });
    expect(answer[0]).toBe(0x88);
    expect(answer.readUInt16BE(2)).toBe(1009);
  });

  it("item 9: a socket that has not joined within joinTimeoutMs is closed, a joined one stays", async () => {
    running = await startKichiWorld({ joinTimeoutMs: 200 });
    const joined = await client(running.wsUrl);
    joined.send({ type: "join", requestId: "j", avatarId: "a", botName: "A", bio: "b", tags: [], source: "s" });
    expect(await joined.next()).toMatchObject({ type: "join_ack" });
    const idle = await client(running.wsUrl);
    expect(await closeCode(idle.socket)).toBe(JOIN_TIMEOUT_CLOSE_CODE);
    expect(joined.socket.readyState).toBe(WebSocket.OPEN);
    joined.send({ type: "query_status", requestId: "q", avatarId: "a", authKey: "wrong" });
    expect(await joined.next()).toMatchObject({ type: "auth_error" });
    joined.socket.close();
  });

  it("item 9: a socket that does not answer pings is closed by the heartbeat", async () => {
    running = await startKichiWorld({ heartbeatIntervalMs: 100 });
    const silent = await client(running.wsUrl, { autoPong: false });
    expect(await closeCode(silent.socket)).toBe(1006);
  });

  it("item 9: past maxConnections an upgrade is a JSON 503, and a freed slot is usable again", async () => {
    running = await startKichiWorld({ maxConnections: 2 });
    const a = await client(running.wsUrl);
    const b = await client(running.wsUrl);
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const extra = new WebSocket(running!.wsUrl);
      extra.once("open", () => reject(new Error("opened past the cap")));
      extra.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += String(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      extra.on("error", () => {});
    });
    expect(refused.status).toBe(503);
    expect(KichiWorldHttpErrorSchema.parse(JSON.parse(refused.body)).error.code).toBe("too_many_connections");
    const closed = closeCode(a.socket);
    a.socket.close();
    await closed;
    let again: Awaited<ReturnType<typeof client>> | undefined;
    for (let attempt = 0; attempt < 50 && !again; attempt += 1) again = await client(running.wsUrl).catch(() => undefined);
    expect(again?.socket.readyState).toBe(WebSocket.OPEN);
    again?.socket.close();
    b.socket.close();
  });

  it("item 9: request headers that do not arrive within headersTimeoutMs are a JSON 408 and the socket is closed", async () => {
    running = await startKichiWorld({ headersTimeoutMs: 200 });
    const { status, body } = parseResponse(await rawExchange(running.port, "GET /health HTTP/1.1\r\nHost: x\r\n"));
    expect(status).toBe(408);
    expect(KichiWorldHttpErrorSchema.parse(body).error.code).toBe("request_timeout");
  });
});
