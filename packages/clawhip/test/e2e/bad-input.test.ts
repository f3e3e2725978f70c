import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

const PATHS = ["/event", "/api/event", "/events", "/api/omx/hook", "/omx/hook", "/api/native/hook", "/native/hook"];
const ALLOWED = new Set([202, 400, 413, 415, 422]);
const receiver = new WebhookReceiver();
let dir: string;
let daemon: DaemonProcess;

/** mulberry32: a small seeded generator, so a failing body can be reproduced from the seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "💥🚀",
  "\u202eevil",
  "é".repeat(300),
  "x".repeat(20_000),
  "issue-",
  "#",
  "/pull/",
  "null",
  "{}",
];
const WEIRD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  2 ** 64,
  [],
  [1, [2, [3]]],
  {},
  { a: { b: { c: {} } } },
  ...WEIRD_STRINGS,
];

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function mutateValue(random: Random, value: unknown, depth = 0): unknown {
  if (depth > 6 || random() < 0.15) return pick(random, WEIRD_VALUES);
  if (Array.isArray(value)) return value.map((v) => mutateValue(random, v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.1) continue;
      if (r < 0.15) out[pick(random, WEIRD_STRINGS).slice(0, 20)] = v;
      else out[key] = mutateValue(random, v, depth + 1);
    }
    if (random() < 0.1)
      out[pick(random, ["type", "kind", "event", "schema_version", "context", "payload", "format", "channel"])] = pick(
        random,
        WEIRD_VALUES,
      );
    return out;
  }
  return random() < 0.3 ? pick(random, WEIRD_VALUES) : value;
}

function nested(depth: number, random: Random): string {
  const open = random() < 0.5 ? "[" : '{"a":';
  const close = open === "[" ? "]" : "}";
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

interface Case {
  path: string;
  body: string | Buffer;
  contentType: string | undefined;
  method: string;
}

function generate(random: Random, seeds: unknown[], index: number): Case {
  const path = pick(random, PATHS);
  const seed = pick(random, seeds);
  const valid = JSON.stringify(seed);
  const kind = index % 12;
  let body: string | Buffer;
  switch (kind) {
    case 0:
      body = valid.slice(0, Math.floor(random() * valid.length));
      break;
    case 1: {
      const bytes = Buffer.from(valid);
      for (let i = 0; i < 3; i += 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      body = bytes;
      break;
    }
    case 2:
      body = nested(1 + Math.floor(random() * 3000), random);
      break;
    case 3:
      body = JSON.stringify(pick(random, WEIRD_VALUES));
      break;
    case 4:
      body = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28]);
      break;
    default:
      body = JSON.stringify(mutateValue(random, seed));
  }
  const contentType =
    kind === 5 && random() < 0.5
      ? pick(random, [undefined, "text/plain", "multipart/form-data; boundary=x", "application/jsonx", "application/json; charset=latin1"])
      : "application/json";
  return { path, body, contentType, method: index % 97 === 0 ? "PUT" : "POST" };
}

function send(agent: Agent, url: URL, c: Case): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string | number> = { "content-length": Buffer.byteLength(c.body) };
    if (c.contentType) headers["content-type"] = c.contentType;
    const req = request({ host: url.hostname, port: url.port, path: c.path, method: c.method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolvePromise(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(c.body);
  });
}

beforeAll(async () => {
  await receiver.start();
  dir = await mkdtemp(join(tmpdir(), "clawhip-fuzz-"));
  await writeFile(
    join(dir, "clawhip.toml"),
    `[defaults]\nformat = "compact"\n[[routes]]\nevent = "*"\nwebhook = "${receiver.url}/api/webhooks/1/fuzz"\n[delivery]\nrate_per_sec = 100000\nrate_burst = 10000\n`,
  );
  daemon = await startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")]);
});

afterAll(async () => {
  daemon?.child.kill("SIGKILL");
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("bad-input storm against the running daemon", () => {
  it("answers 10,000+ generated and mutated bodies with 4xx/202 only, never crashes, and stays healthy", async () => {
    const vectors = (await readFile(resolve(import.meta.dirname, "../fixtures/vectors.jsonl"), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { input: any; ingress: string });
    const seeds = vectors.map((v) =>
      v.ingress === "routing" ? v.input.event : v.ingress === "legacy-emit" ? { type: v.input.argv[0] } : v.input,
    );
    const random = prng(20260401);
    const url = new URL(daemon.url);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const statuses = new Map<number, number>();
    const cases: Case[] = Array.from({ length: 10_000 }, (_, i) => generate(random, seeds, i));
    for (let i = 0; i < 12; i += 1)
      cases.push({
        path: "/event",
        body: `{"type":"x","b":"${"y".repeat(1024 * 1024)}"}`,
        contentType: "application/json",
        method: "POST",
      });
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++] as Case;
        const status = await send(agent, url, c);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (!ALLOWED.has(status) && !(c.method === "PUT" && status === 405)) {
          throw new Error(`unexpected ${status} for ${c.method} ${c.path} ${c.contentType}: ${String(c.body).slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    agent.destroy();

    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(10_012);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(statuses.get(413)).toBe(12);
    expect(statuses.get(202) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(500);
    expect(statuses.get(415) ?? 0).toBeGreaterThan(50);
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.stderr()).not.toContain("internal error");

    const health = await daemon.health();
    expect(health.ok).toBe(true);
    const after = await fetch(`${daemon.url}/event`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "notify", payload: { context: { normalized_event: "finished", session_name: "after-storm" } } }),
    });
    expect(after.status).toBe(202);
    await receiver.waitFor((rs) => rs.some((r) => r.body.content === "omx after-storm finished"), 30_000, "the post-storm event");
    await until(async () => (await daemon.health()).pending === 0, 30_000, "the spool to drain");
  });
});
