import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KichiWorldHttpErrorSchema } from "@clawbridge/contracts";
import {
  bodyTextOf,
  idleSockets,
  PROTOTYPE_KEYS,
  pick,
  pool,
  type Random,
  rawExchange,
  seededRandom,
  statusOf,
  trickle,
  withOwnProperty,
} from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type WorldProcess } from "./support/world-process.js";
import { type FrameClient, frameClient, UpgradeRefused } from "./support/ws-client.js";

// Runs the built server in its own process: `pnpm --filter @clawbridge/kichi-world build` first.
// Every input comes from a seeded generator, so a failure names the seed and case to replay.
const SEED = 20261121;
const MAX_CONNECTIONS = 150;

let world: WorldProcess;
let dir: string;
let prototypeBefore: string[];
let rssBefore: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "kichi-world-fuzz-"));
  world = await startHarness({
    identitiesFile: join(dir, "identities.json"),
    maxConnections: MAX_CONNECTIONS,
    joinTimeoutMs: 500,
    heartbeatIntervalMs: 1_000,
    headersTimeoutMs: 500,
    requestTimeoutMs: 1_500,
  });
  prototypeBefore = (await world.prototypeNames()).sort();
  for (let i = 0; i < 20; i += 1) await (await fetch(`${world.url}/state.json`)).text();
  rssBefore = world.memory().rssBytes;
});

afterAll(async () => {
  world?.child.kill("SIGKILL");
  await world?.exited;
  await rm(dir, { recursive: true, force: true });
});

// ---- HTTP ----

const TARGETS = [
  "/",
  "/health",
  "/state.json",
  "/ws/openclaw",
  "//[",
  "//a:99999/",
  "//",
  "/%zz",
  "/%",
  "/%E0%A4%A",
  "/%00",
  "/state.json?x=%zz",
  "/state.json?%",
  "/?a=[]&b=|",
  "/#frag",
  "*",
  "http://127.0.0.1/health",
  "health",
  "/\u00e9",
  "/\u0000",
  "/../../etc/passwd",
  "/__proto__",
  "/constructor",
  `/${"a".repeat(9_000)}`,
  `/?${"q=1&".repeat(3_000)}`,
];
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "G\u0000T", "get", "X".repeat(40)];
const VERSIONS = ["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1.1 extra", ""];
const HEADERS = [
  "Host: x",
  "Host: x\r\nHost: y",
  "Content-Length: -1",
  "Content-Length: 99999999999999999999",
  "Content-Length: 5\r\nTransfer-Encoding: chunked",
  "Transfer-Encoding: gzip, chunked",
  "X-Bad Header: 1",
  "X-Ctl: a\u0001b",
  "Cookie: __proto__=1; constructor=2",
  `X-Big: ${"b".repeat(20_000)}`,
  "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13",
  "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13",
  "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99",
  "Upgrade: h2c\r\nConnection: Upgrade",
  "Expect: 100-continue",
  ":authority: x",
];

const WS_TARGETS = [
  "/ws/openclaw",
  "/ws/openclaw",
  "/ws/openclaw?token=%zz",
  "/ws/openclaw%zz",
  "/ws/openclaw%",
  "//ws/openclaw",
  "/ws/openclaw/",
  "/ws/%6Fpenclaw",
  "/ws/openclaw#x",
  "//[",
  "/__proto__",
];

/** An upgrade request with its method, target and handshake headers mutated. */
function upgradeRequest(random: Random): string {
  const method = random() < 0.85 ? "GET" : pick(random, METHODS);
  const headers = [
    "Host: x",
    `Upgrade: ${random() < 0.85 ? "websocket" : pick(random, ["WebSocket", "h2c", "", "websocket, h2c"])}`,
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${random() < 0.8 ? "dGhlIHNhbXBsZSBub25jZQ==" : pick(random, ["", "short", "dGhlIHNhbXBsZSBub25jZQ", "🔑"])}`,
    `Sec-WebSocket-Version: ${random() < 0.8 ? "13" : pick(random, ["8", "99", "", "abc", "13, 8"])}`,
  ];
  if (random() < 0.1) headers.push(`Sec-WebSocket-Protocol: ${pick(random, [",,,", "a b", "x".repeat(500)])}`);
  if (random() < 0.1) headers.push(`Sec-WebSocket-Extensions: ${pick(random, ['permessage-deflate; x="', "a;b;c", "permessage-deflate"])}`);
  return `${method} ${pick(random, WS_TARGETS)} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`;
}

function rawRequest(random: Random, index: number): string {
  if (index % 50 === 0) return Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))).toString("latin1");
  if (index % 4 === 1) return upgradeRequest(random);
  const method = random() < 0.7 ? "GET" : pick(random, METHODS);
  const target = pick(random, TARGETS);
  const version = random() < 0.85 ? "HTTP/1.1" : pick(random, VERSIONS);
  const headers = ["Host: x"];
  for (let i = Math.floor(random() * 3); i > 0; i -= 1) headers.push(pick(random, HEADERS));
  headers.push("Connection: close");
  const lineEnd = random() < 0.05 ? "\n" : "\r\n";
  const body = method === "POST" || method === "PUT" ? '{"type":"join"}' : "";
  return `${method} ${target} ${version}${lineEnd}${headers.join(lineEnd)}${lineEnd}${lineEnd}${body}`;
}

// ---- WebSocket frames ----

/** One valid frame of every client frame type, with the paths of its id fields. */
function frameTemplates(avatarId: string, authKey: string): Array<{ frame: Record<string, unknown>; ids: string[][] }> {
  const auth = { requestId: "r", avatarId, authKey };
  const plan = {
    heartbeatIntervalSeconds: 60,
    goal: "g",
    stages: [
      {
        name: "n",
        purpose: "p",
        pomodoroPhase: "focus",
        durationSeconds: 60,
        actions: [{ poseType: "sit", action: "Read", durationSeconds: 60, bubble: "b", propId: "desk-chair-1" }],
      },
    ],
  };
  return [
    {
      frame: { type: "join", requestId: "r", avatarId, botName: "F", bio: "b", tags: ["t"], source: "fuzz" },
      ids: [["requestId"], ["avatarId"]],
    },
    { frame: { type: "rejoin", ...auth }, ids: [["requestId"], ["avatarId"]] },
    { frame: { type: "leave", ...auth }, ids: [["requestId"], ["avatarId"]] },
    {
      frame: {
        type: "status",
        ...auth,
        poseType: "sit",
        action: "Read",
        bubble: "",
        log: "",
        playback: { mode: "loop" },
        propId: "sofa-1",
      },
      ids: [["requestId"], ["avatarId"], ["propId"]],
    },
    { frame: { type: "message_received", avatarId, authKey, bubble: "hi" }, ids: [["avatarId"]] },
    { frame: { type: "before_send_message", avatarId, authKey, bubble: "hi" }, ids: [["avatarId"]] },
    { frame: { type: "kichi_idle_plan", ...auth, ...plan }, ids: [["requestId"], ["avatarId"], ["stages", "0", "actions", "0", "propId"]] },
    {
      frame: {
        type: "clock",
        ...auth,
        action: "set",
        clock: { mode: "countDown", durationSeconds: 60, remainingSeconds: 60, running: true },
      },
      ids: [["requestId"], ["avatarId"]],
    },
    { frame: { type: "clock", ...auth, action: "stop" }, ids: [["requestId"], ["avatarId"]] },
    { frame: { type: "query_status", ...auth }, ids: [["requestId"], ["avatarId"]] },
    {
      frame: { type: "create_notes_board_note", ...auth, propId: "notes-board-1", data: "note" },
      ids: [["requestId"], ["avatarId"], ["propId"]],
    },
    { frame: { type: "create_music_album", ...auth, albumTitle: "A", musicTitles: ["m"] }, ids: [["requestId"], ["avatarId"]] },
    {
      frame: {
        type: "bot_message",
        ...auth,
        toAvatarId: "*",
        depth: 0,
        bubble: "hi",
        history: [{ from: "x", fromName: "X", bubble: "y" }],
      },
      ids: [["requestId"], ["avatarId"], ["toAvatarId"]],
    },
  ];
}

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  [],
  {},
  "",
  " ",
  "\u0000",
  "\ud800",
  "💥",
  "*",
  "é".repeat(300),
  "x".repeat(20_000),
  ...PROTOTYPE_KEYS,
  { __proto__: null, polluted: true },
];

function mutate(random: Random, value: unknown, depth = 0): unknown {
  if (depth > 5 || random() < 0.12) return pick(random, WEIRD_VALUES);
  if (Array.isArray(value)) return value.map((v) => mutate(random, v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (random() < 0.08) continue;
      out[key] = mutate(random, v, depth + 1);
    }
    if (random() < 0.1) Object.defineProperty(out, pick(random, PROTOTYPE_KEYS), { value: { polluted: true }, enumerable: true });
    return out;
  }
  return random() < 0.3 ? pick(random, WEIRD_VALUES) : value;
}

async function joined(avatarId: string): Promise<{ client: FrameClient; authKey: string }> {
  const client = await frameClient(world.wsUrl);
  client.send({ type: "join", requestId: "join", avatarId, botName: avatarId, bio: "fuzz", tags: [], source: "fuzz" });
  const ack = await client.next();
  expect(ack).toMatchObject({ type: "join_ack", success: true });
  return { client, authKey: ack.authKey };
}

/** Reads frames until the one answering `requestId` (or a close); returns what it saw. */
async function readUntil(client: FrameClient, requestId: string): Promise<any[]> {
  const seen: any[] = [];
  for (;;) {
    const frame = await client.next();
    seen.push(frame);
    if (frame.type === "closed" || frame.requestId === requestId) return seen;
  }
}

describe("bad-input storm against a running kichi-world", () => {
  it("item 1: 3,000 mutated request lines, targets and headers (HTTP and upgrade) never get a 5xx or crash it", async () => {
    const random = seededRandom(SEED);
    const cases = Array.from({ length: 3_000 }, (_, i) => rawRequest(random, i));
    const statuses = new Map<number, number>();
    await pool(cases.length, 8, async (index) => {
      // A complete answer ends the exchange: an accepted upgrade (101) keeps the socket open.
      const text = await rawExchange(world.port, Buffer.from(cases[index] as string, "latin1"), { untilResponse: true });
      const status = statusOf(text);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) throw new Error(`seed ${SEED} case ${index}: ${status} ${text.slice(0, 300)}`);
      const body = bodyTextOf(text);
      if (
        status >= 400 &&
        !KichiWorldHttpErrorSchema.safeParse(JSON.parse(body || "null")).success &&
        !(cases[index] as string).startsWith("HEAD ")
      ) {
        throw new Error(
          `seed ${SEED} case ${index}: ${status} without the JSON error envelope: ${JSON.stringify(cases[index]).slice(0, 200)} -> ${text.slice(0, 400)}`,
        );
      }
    });
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(3_000);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(statuses.get(0)).toBeUndefined();
    expect(statuses.get(101) ?? 0).toBeGreaterThan(40);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(world.child.exitCode).toBeNull();
  });

  it("item 2: a prototype key in every id field of every frame type is an error frame, and Object.prototype stays clean", async () => {
    const { client, authKey } = await joined("fuzz-proto");
    let checked = 0;
    for (const { frame, ids } of frameTemplates("fuzz-proto", authKey)) {
      for (const path of ids) {
        for (const key of PROTOTYPE_KEYS) {
          client.send(withOwnProperty(frame, path, key));
          const answer = await client.next();
          expect(answer, `${frame.type} ${path.join(".")}=${key}`).toMatchObject({ type: "error", code: "invalid_frame" });
          checked += 1;
        }
      }
    }
    expect(checked).toBe(28 * PROTOTYPE_KEYS.length);
    // A `__proto__` key holding an object beside valid fields is dropped with the other unknown keys.
    const status = withOwnProperty(frameTemplates("fuzz-proto", authKey)[3]!.frame, ["__proto__"], { polluted: true, authKey: "x" });
    client.send(status);
    expect(await client.next()).toMatchObject({ type: "status_ack", requestId: "r" });
    expect((await world.prototypeNames()).sort()).toEqual(prototypeBefore);
    client.socket.close();
  });

  it("items 2, 9: 3,000 mutated, invalid, binary and oversized frames get error frames or a deliberate close", async () => {
    const random = seededRandom(SEED + 1);
    const replies = new Map<string, number>();
    for (let batch = 0; batch < 30; batch += 1) {
      const avatarId = `fuzz-${batch % 5}`;
      const { client, authKey } = await joined(avatarId);
      const templates = frameTemplates(avatarId, authKey);
      for (let i = 0; i < 100; i += 1) {
        const kind = i % 10;
        if (kind === 0) client.socket.send(Buffer.from([0, 1, 2, random() * 256]), { binary: true });
        else if (kind === 1) {
          const text = JSON.stringify(pick(random, templates).frame);
          client.send(text.slice(0, Math.floor(random() * text.length)));
        } else if (kind === 2) client.send(JSON.stringify(pick(random, WEIRD_VALUES)));
        else {
          const text = JSON.stringify(mutate(random, pick(random, templates).frame));
          client.send(text.length > 60_000 ? "{" : text);
        }
      }
      // A query with a wrong key always gets an answer (auth_error), so each batch ends on a known frame.
      client.send({ type: "query_status", requestId: "final", avatarId, authKey: "not-the-key" });
      for (const frame of await readUntil(client, "final")) {
        const name = frame.type === "error" ? `error:${frame.code}` : frame.type === "closed" ? `closed:${frame.code}` : frame.type;
        replies.set(name, (replies.get(name) ?? 0) + 1);
      }
      client.socket.close();
    }
    expect([...replies.keys()].filter((name) => name.startsWith("closed") || name === "error:internal_error")).toEqual([]);
    expect(replies.get("error:invalid_frame") ?? 0).toBeGreaterThan(1_000);
    expect(replies.get("error:binary_frame")).toBe(300);
    expect(replies.get("error:invalid_json") ?? 0).toBeGreaterThan(100);
    expect(replies.get("auth_error")).toBeGreaterThanOrEqual(30);

    // Text that is not UTF-8 (1007) and frames past the limit, announced (1 GiB) or sent (1 MiB) (1009).
    for (let i = 0; i < 10; i += 1) {
      const bad = await frameClient(world.wsUrl);
      bad.socket.send(Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]), { binary: false });
      expect(await bad.closed).toBe(1007);
      const big = await frameClient(world.wsUrl);
      big.send(JSON.stringify({ type: "join", avatarId: "x", botName: "y".repeat(1024 * 1024) }));
      expect(await big.closed).toBe(1009);
    }
    const upgrade =
      "GET /ws/openclaw HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    const announcedFrame = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4]);
    const closedAnswer = await rawExchange(world.port, Buffer.concat([Buffer.from(upgrade), announcedFrame]), { timeoutMs: 30_000 });
    const answer = Buffer.from(closedAnswer, "latin1");
    expect(answer.includes(Buffer.from([0x88, 0x02, 0x03, 0xf1]))).toBe(true);
    expect(world.child.exitCode).toBeNull();
  });

  it("item 9: slow senders and many idle connections are cut by the timeouts while the server keeps answering", async () => {
    // 40 senders trickle a request line byte by byte; 40 TCP connections say nothing; 40 WebSockets never join.
    const trickled = Array.from({ length: 40 }, async () => {
      const { reply } = await trickle(world.port, "", { drip: "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ", intervalMs: 50 });
      return reply;
    });
    const silent = (await idleSockets(world.port, 40)).map(({ closed }) => closed);
    const unjoined = await Promise.all(Array.from({ length: 40 }, () => frameClient(world.wsUrl)));
    const health = await fetch(`${world.url}/health`);
    expect(health.status).toBe(200);
    for (const answer of await Promise.all([...trickled, ...silent])) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await Promise.all(unjoined.map((c) => c.closed))).toEqual(Array(40).fill(1008));
  });

  it("item 9: past the connection cap an upgrade is a deliberate JSON 503, and the server recovers", async () => {
    const held: FrameClient[] = [];
    let refusal: UpgradeRefused | undefined;
    for (let i = 0; i < MAX_CONNECTIONS + 5 && !refusal; i += 1) {
      try {
        const client = await frameClient(world.wsUrl);
        client.send({ type: "join", requestId: "j", avatarId: `held-${i % 10}`, botName: "H", bio: "b", tags: [], source: "fuzz" });
        held.push(client);
      } catch (error) {
        if (!(error instanceof UpgradeRefused)) throw error;
        refusal = error;
      }
    }
    expect(refusal?.status).toBe(503);
    expect(KichiWorldHttpErrorSchema.parse(JSON.parse(refusal?.body ?? "")).error.code).toBe("too_many_connections");
    expect(held.length).toBeGreaterThan(MAX_CONNECTIONS - 20);
    await Promise.all(
      held.map((c) => {
        c.socket.close();
        return c.closed;
      }),
    );
  });

  it("afterwards: still running, RSS bounded, /health answers, a fresh join works, Object.prototype untouched", async () => {
    expect(world.child.exitCode).toBeNull();
    const { rssBytes, peakBytes } = world.memory();
    expect(peakBytes - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(rssBytes - rssBefore).toBeLessThan(100 * 1024 * 1024);
    let health: Response | undefined;
    for (let attempt = 0; attempt < 100 && health?.status !== 200; attempt += 1) health = await fetch(`${world.url}/health`);
    expect(await health?.json()).toEqual({ ok: true });
    const { client, authKey } = await joined("after-storm");
    client.send({ type: "query_status", requestId: "q", avatarId: "after-storm", authKey });
    expect(await client.next()).toMatchObject({ type: "query_status_result", requestId: "q" });
    client.socket.close();
    expect((await world.prototypeNames()).sort()).toEqual(prototypeBefore);
    expect(world.stderr()).not.toMatch(/failed:|internal error|could not save/);
    expect(world.stderr()).not.toContain(authKey);
  });
});
