import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bodyOf,
  bodyTextOf,
  idleSockets,
  malformedRequests,
  PROTOTYPE_KEYS,
  pick,
  pool,
  prototypeNames,
  type Random,
  rawExchange,
  residentBytes,
  seededRandom,
  statusOf,
  trickle,
} from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StaticServer, startOpenMeowWebServer } from "../src/server/static-server.js";

/**
 * The OpenMeow web static server's bad-input suite: thousands of path-traversal attempts (`..` plain,
 * `%`-encoded, double-encoded and mixed with encoded slashes and backslashes, NUL bytes, prototype
 * keys as paths, very long paths), malformed raw requests, slow senders and a flood of idle
 * connections. A secret planted next to the root must never be served: every 200 is one of the
 * root's own files. Nothing may be a 5xx but the connection cap's deliberate 503, Object.prototype
 * stays clean, memory stays bounded and the app is served afterwards.
 */

const MAX_CONNECTIONS = 32;
const TIMEOUTS = { headersTimeoutMs: 500, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 500 };
const SECRET = `openmeow-secret-${randomBytes(12).toString("hex")}`;
/** The files inside the root, by path: the only bodies a 200 may carry. */
const SITE: Record<string, string> = {
  "index.html": "<!doctype html><title>OpenMeow</title><p>lanes</p>",
  "app.js": "console.log('lanes');",
  "styles.css": "body { margin: 0 }",
  "sub/page.html": "<p>a page one level down</p>",
};

let base: string;
let web: StaticServer;
const logLines: string[] = [];
const prototypeBefore = prototypeNames();
let rssBefore = 0;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "openmeow-web-fuzz-"));
  const root = join(base, "site", "web");
  for (const [path, content] of Object.entries(SITE)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
  // Secrets beside the root, above it, and in a sibling whose name starts with the root's.
  for (const path of ["secret.txt", "site/secret.txt", "site/web-secret.txt", "site/web-secret/secret.txt", "site/web.bak/index.html"]) {
    await mkdir(join(base, path, ".."), { recursive: true });
    await writeFile(join(base, path), SECRET);
  }
  web = await startOpenMeowWebServer({ root, maxConnections: MAX_CONNECTIONS, log: (line) => logLines.push(line), ...TIMEOUTS });
  rssBefore = residentBytes();
});

afterAll(async () => {
  await web?.stop();
  if (base) await rm(base, { recursive: true, force: true });
});

/** Ways to write one step up: plain, `%`-encoded, double-encoded, overlong UTF-8, with backslashes. */
const UP = [
  "../",
  "..%2f",
  "..%2F",
  "%2e%2e/",
  "%2e%2e%2f",
  "%2E%2E%2F",
  ".%2e/",
  "%2e./",
  "..%5c",
  "..\\",
  "%252e%252e%252f",
  "%c0%ae%c0%ae/",
  "....//",
  "..;/",
  "./",
  "%2f",
  "/",
];
/** Where a traversal aims: the planted secrets, system files, and names inside the root (to reach them oddly). */
const AIMS = [
  "secret.txt",
  "web-secret.txt",
  "web-secret/secret.txt",
  "web.bak/index.html",
  "site/secret.txt",
  "site/web-secret.txt",
  "etc/passwd",
  "proc/self/environ",
  "%2fetc%2fpasswd",
  "index.html",
  "app.js",
  "sub/page.html",
  "sub/../index.html",
];
const ENDINGS = ["", "", "", "%00", "%00.js", "?x=1", "?x=%2e%2e", "#frag", ";x", "/", "%20", "."];

/** A traversal attempt, a prototype key as a path, or a very long path; most are written as no browser would. */
function hostileTarget(random: Random): string {
  const roll = random();
  if (roll < 0.08) {
    const key = pick(random, PROTOTYPE_KEYS);
    return pick(random, [`/${key}`, `/sub/${key}`, `/${key}/index.html`, `/${key}.js`, `/%${"5F%5F"}proto%5F%5F`]);
  }
  if (roll < 0.12) {
    return pick(random, [
      `/${"a/".repeat(3_000)}`,
      `/${"x".repeat(10_000)}`,
      `/${"../".repeat(2_000)}secret.txt`,
      `/${"%2e%2e%2f".repeat(1_000)}secret.txt`,
    ]);
  }
  const start = pick(random, ["/", "/", "/sub/", "//", "/./"]);
  const ups = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(random, UP)).join("");
  return `${start}${ups}${pick(random, AIMS)}${pick(random, ENDINGS)}`;
}

function get(target: string, method = "GET"): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
}

/** Checks one reply: no 5xx, no silence, no secret, and a 200 only ever carries a file of the root. */
function checkReply(sent: string, reply: string): number {
  const status = statusOf(reply);
  const label = JSON.stringify(sent.slice(0, 200));
  if (status >= 500 || status === 0) throw new Error(`${status} for ${label}: ${reply.slice(0, 200)}`);
  if (reply.includes(SECRET)) throw new Error(`the secret was served for ${label}`);
  if (status === 200 && !sent.startsWith("HEAD ") && !Object.values(SITE).includes(bodyTextOf(reply))) {
    throw new Error(`a 200 that is no file of the root for ${label}: ${reply.slice(0, 300)}`);
  }
  return status;
}

const healthy = async () => {
  const index = await rawExchange(web.port, get("/"));
  expect(statusOf(index)).toBe(200);
  expect(bodyTextOf(index)).toBe(SITE["index.html"]);
  expect(statusOf(await rawExchange(web.port, get("/sub/page.html")))).toBe(200);
};

describe("OpenMeow web static server bad-input suite", () => {
  it("serves no file outside its root to 3,000 traversal attempts, prototype-key paths and long paths", async () => {
    const random = seededRandom(20261205);
    const statuses = new Map<number, number>();
    const served = new Set<string>();
    await pool(3_000, 16, async (index) => {
      const sent = get(hostileTarget(random), index % 10 === 0 ? "HEAD" : "GET");
      const reply = await rawExchange(web.port, sent);
      const status = checkReply(sent, reply);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) served.add(bodyTextOf(reply));
    });
    console.info("openmeow-web traversal statuses", Object.fromEntries(statuses));
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(3_000);
    // Attempts resolved inside the root are served (the root's own files), the rest are 404 or 400.
    for (const status of [200, 400, 404]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(100);
    expect(served.size).toBeGreaterThan(1);
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(logLines).toEqual([]);
    await healthy();
  });

  it("answers 1,500 malformed raw requests (request lines, targets, headers, framing) with no 5xx and no secret", async () => {
    const requests = malformedRequests(seededRandom(20261206), 1_500, {
      paths: ["/", "/index.html", "/app.js", "/sub/page.html", "/../secret.txt", "/%2e%2e/web-secret.txt"],
      methods: ["GET", "GET", "HEAD", "POST"],
    });
    const statuses = new Map<number, number>();
    await pool(requests.length, 16, async (index) => {
      const sent = requests[index] as string;
      const status = checkReply(sent, await rawExchange(web.port, sent, { timeoutMs: 10_000 }));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    console.info("openmeow-web raw request statuses", Object.fromEntries(statuses));
    for (const status of [200, 400, 404, 405]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(logLines).toEqual([]);
    await healthy();
  });

  it("cuts off slow senders (trickled request lines and headers) with a JSON 408 and keeps serving meanwhile", async () => {
    const lines = Array.from({ length: 12 }, () => trickle(web.port, "", { drip: "GET /index.html HTTP/1.1\r\n" }));
    const headers = Array.from({ length: 12 }, () => trickle(web.port, "GET /index.html HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    await healthy();
    for (const { reply } of await Promise.all([...lines, ...headers])) {
      expect(statusOf(reply)).toBe(408);
      expect(bodyOf(reply)).toMatchObject({ ok: false, error: { code: "request_timeout" } });
    }
    await healthy();
  });

  it("refuses connections past the cap with a deliberate 503, closes the idle ones, then serves again", async () => {
    const held = await idleSockets(web.port, MAX_CONNECTIONS);
    const refused = await Promise.all(Array.from({ length: 8 }, () => rawExchange(web.port, get("/"))));
    for (const reply of refused) {
      expect(statusOf(reply)).toBe(503);
      expect(bodyOf(reply)).toMatchObject({ ok: false, error: { code: "too_many_connections" } });
    }
    for (const reply of await Promise.all(held.map(({ closed }) => closed))) expect(statusOf(reply)).toBe(408);
    // The server counts a socket gone once it has seen its close too: poll, bounded.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i += 1) status = statusOf(await rawExchange(web.port, get("/")));
    expect(status).toBe(200);
  });

  it("afterwards: RSS bounded, Object.prototype untouched, nothing logged as failed, the app served", async () => {
    const rssAfter = residentBytes();
    console.info(
      `openmeow-web RSS (test process): ${(rssBefore / 2 ** 20).toFixed(1)} MiB before, ${(rssAfter / 2 ** 20).toFixed(1)} MiB after`,
    );
    expect(rssAfter - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(logLines).toEqual([]);
    await healthy();
  });
});
