import { Agent, request } from "node:http";
import { resolve } from "node:path";
import { type ChatCompletionRequest, ChatCompletionSchema, OpenAIErrorBodySchema } from "@clawbridge/contracts";
import {
  bodyOf,
  brokenJson,
  idleSockets,
  malformedRequests,
  PROTOTYPE_KEYS,
  pick,
  pool,
  type Random,
  rawExchange,
  residentBytes,
  type ServerProcess,
  seededRandom,
  startServerProcess,
  statusOf,
  trickle,
  WRONG_TYPES,
  withOwnProperty,
} from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openClawRequest, openClawTools, userMessage } from "./openclaw-request.js";

/**
 * The demo model's bad-input suite: thousands of mutated `/v1/chat/completions` bodies (wrong types,
 * huge and deep values, prototype keys as roles, tool names and ids, invalid JSON, oversized bodies),
 * streams and bodies the client cuts off, malformed raw requests, slow senders and a flood of idle
 * connections. Nothing may be a 5xx but the connection cap's deliberate 503, nothing may reach
 * Object.prototype, memory stays bounded and the model answers a normal turn afterwards.
 *
 * The built model (`pnpm --filter @clawbridge/demo-model build` first) runs in a process of its own,
 * so a request that stalls it fails a bounded wait here instead of stalling the suite with it.
 */

const MAX_CONNECTIONS = 32;
const TIMEOUTS = { headersTimeoutMs: 500, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 500 };
const STORM_SIZE = 3_000;
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Far above any answer of a healthy model (milliseconds with no token delay), far below a stalled one. */
const ANSWER_BOUND_MS = 10_000;
/** What a chat request may be answered: a reply, a refusal of the body, an unknown model, a wrong method, a body too large. */
const CHAT_STATUSES = new Set([200, 400, 404, 405, 413]);

let model: ServerProcess;
let baseUrl: string;
let prototypeBefore: string[];
let rssBefore = 0;

beforeAll(async () => {
  model = await startServerProcess({
    module: resolve(import.meta.dirname, "../dist/index.js"),
    start: "startDemoModel",
    options: { tokenDelayMs: 0, maxConnections: MAX_CONNECTIONS, ...TIMEOUTS },
  });
  baseUrl = `${model.url}/v1`;
  prototypeBefore = await model.prototypeNames();
  rssBefore = residentBytes(model.child.pid);
});

afterAll(async () => {
  model?.child.kill("SIGKILL");
  await model?.exited;
});

/** The turns OpenClaw sends: words, a direct and a Tool Search call, a tool result coming back, a bot conversation. */
const SEEDS: ChatCompletionRequest[] = [
  openClawRequest("hello there"),
  { ...openClawRequest('call tool read with {"path":"a.txt"}'), stream: false },
  openClawRequest("use tool clawbridge_status"),
  openClawRequest('[Bot conversation]\nAda: "hi there"\nBob: "good morning"\n\nReply as Bob.'),
  {
    ...openClawRequest("call tool read"),
    messages: [
      userMessage("call tool read"),
      { role: "assistant", content: null, tool_calls: [{ id: "call1", type: "function", function: { name: "read", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call1", content: "the file" },
    ],
  },
];

/** Strings that cost a naive reader: long runs of the separators the demo model's parsers look for. */
const HUGE_STRINGS = [
  "x".repeat(200_000),
  "\n".repeat(200_000),
  "\n \n".repeat(60_000),
  `[${"2026-01-01 ".repeat(20_000)}`,
  `[Bot conversation]\n${': "'.repeat(60_000)}`,
  `call tool ${"a".repeat(200_000)}`,
  `call tool read with {"a":${"[".repeat(50_000)}${"]".repeat(50_000)}}`,
  `take ${" ".repeat(200_000)}1 seconds`,
  "call tool ".repeat(20_000),
];

/** The id positions of a chat request: roles, tool names, tool-call ids, the model, the tool choice. */
function idPaths(seed: ChatCompletionRequest): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [["model"], ["tool_choice"], ["tool_choice", "function", "name"]];
  seed.messages.forEach((message, i) => {
    paths.push(["messages", i, "role"], ["messages", i, "name"]);
    if (message.role === "tool") paths.push(["messages", i, "tool_call_id"]);
    if (message.role === "assistant")
      paths.push(["messages", i, "tool_calls", 0, "id"], ["messages", i, "tool_calls", 0, "function", "name"]);
  });
  (seed.tools ?? []).forEach((_, i) => {
    paths.push(["tools", i, "function", "name"], ["tools", i, "type"]);
  });
  return paths;
}

function mutateValue(random: Random, value: unknown, depth = 0): unknown {
  if (depth > 8 || random() < 0.08) return pick(random, WRONG_TYPES);
  if (Array.isArray(value)) return value.filter(() => random() > 0.05).map((v) => mutateValue(random, v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.05) continue;
      if (r < 0.08) Object.defineProperty(out, pick(random, PROTOTYPE_KEYS), { value: v, enumerable: true, writable: true });
      else out[key] = mutateValue(random, v, depth + 1);
    }
    return out;
  }
  if (typeof value === "string" && random() < 0.1) return pick(random, PROTOTYPE_KEYS);
  return random() < 0.15 ? pick(random, WRONG_TYPES) : value;
}

/** One mutated body for `POST /v1/chat/completions`; `index` walks through the kinds of mutation. */
function chatBody(random: Random, index: number): string | Buffer {
  const seed = pick(random, SEEDS);
  const valid = JSON.stringify(seed);
  switch (index % 10) {
    case 0:
    case 1:
      return brokenJson(random, valid);
    case 2: {
      const depth = 1 + Math.floor(random() * 20_000);
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      return pick(random, [
        valid.replace('"tool_choice":"auto"', `"tool_choice":${deep}`),
        valid.replace('"parameters":{"type":"object"}', `"parameters":{"a":${deep}}`),
        valid.replace(/"content":"[^"]*"/, `"content":${deep}`),
      ]);
    }
    case 3:
    case 4:
      return JSON.stringify(withOwnProperty(seed, pick(random, idPaths(seed)), pick(random, PROTOTYPE_KEYS)));
    case 5: {
      const huge = pick(random, HUGE_STRINGS);
      return pick(random, [
        JSON.stringify({ ...seed, messages: [...seed.messages, userMessage(huge)] }),
        JSON.stringify({ ...seed, messages: [{ role: "user", content: [{ type: "text", text: huge }] }] }),
        JSON.stringify({ ...seed, tools: openClawTools([huge.slice(0, 100_000), "tool_call"]) }),
        JSON.stringify({ ...seed, messages: Array.from({ length: 10_000 }, () => ({ role: "user", content: "call tool x" })) }),
      ]);
    }
    default:
      return JSON.stringify(mutateValue(random, seed));
  }
}

/** Posts a chat body; a model that gives no answer within ANSWER_BOUND_MS fails the case. */
function post(agent: Agent, body: string | Buffer, method = "POST"): Promise<{ status: number; body: string }> {
  return new Promise((resolvePost, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: "Bearer x" };
    const req = request({ host: "127.0.0.1", port: model.port, path: "/v1/chat/completions", method, agent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolvePost({ status: res.statusCode ?? 0, body: text }));
      res.on("error", reject);
    });
    req.setTimeout(ANSWER_BOUND_MS, () => req.destroy(new Error(`no answer within ${ANSWER_BOUND_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The text of a whole (not streamed) reply to `words`. */
async function replyTo(words: string): Promise<string | null | undefined> {
  const agent = new Agent();
  try {
    const reply = await post(agent, JSON.stringify({ ...openClawRequest(words), stream: false }));
    expect(reply.status, reply.body.slice(0, 300)).toBe(200);
    return ChatCompletionSchema.parse(JSON.parse(reply.body)).choices[0]?.message.content;
  } finally {
    agent.destroy();
  }
}

/** Posts a streamed chat request, reads the first chunk of the reply, and closes the connection. */
function firstChunkThenHangUp(body: string): Promise<string> {
  return new Promise((resolveChunk, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = request(
      { host: "127.0.0.1", port: model.port, path: "/v1/chat/completions", method: "POST", agent: false, headers },
      (res) => {
        res.once("data", (chunk: Buffer) => {
          req.destroy();
          resolveChunk(chunk.toString("utf8"));
        });
      },
    );
    req.setTimeout(ANSWER_BOUND_MS, () => req.destroy(new Error(`no answer within ${ANSWER_BOUND_MS} ms`)));
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (!req.destroyed || error.code !== "ECONNRESET") reject(error);
    });
    req.end(body);
  });
}

const logLines = () => model.stderr().split("\n");
const failures = () => logLines().filter((line) => line.includes("failed"));
const stoppedReplies = () => logLines().filter((line) => line.includes("the client went away")).length;

async function healthy(): Promise<void> {
  expect(model.child.exitCode).toBeNull();
  expect(statusOf(await rawExchange(model.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).toBe(200);
  expect(await replyTo("are you there")).toMatch(/You said: "are you there"/);
}

describe("demo model bad-input suite", () => {
  it("item 1: words that made its readers backtrack (blank lines, dated stamps, bubble quotes) are answered at once", async () => {
    // Each took the old patterns quadratic time: minutes for a megabyte, with every other request waiting.
    const stalls = [
      `hello${"\n".repeat(1_000_000)}world`,
      `hello${"\n \n".repeat(300_000)}world`,
      `[${"2026-01-01 ".repeat(100_000)}`,
      `[Bot conversation]\n${': "'.repeat(300_000)}`,
    ];
    for (const words of stalls) expect((await replyTo(words))?.length).toBeGreaterThan(0);
    // The readers still read what OpenClaw writes.
    expect(await replyTo("two\n\nparagraphs")).toMatch(/You said: "two\n\nparagraphs"/);
    expect(await replyTo('[Bot conversation]\nAda: "hi there"\n\nReply.')).not.toMatch(/You said/);
    await healthy();
  });

  it(`answers ${STORM_SIZE} mutated chat bodies and oversized ones with 200/4xx only, and Object.prototype stays clean`, async () => {
    const random = seededRandom(20261202);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const statuses = new Map<number, number>();
    const oversized = 4;
    await pool(STORM_SIZE + oversized, 8, async (index) => {
      // Drawn before the first await, so the seed reproduces each case.
      const body = index < STORM_SIZE ? chatBody(random, index) : `{"model":"${"m".repeat(MAX_BODY_BYTES)}"}`;
      const method = index % 97 === 0 ? pick(random, ["PUT", "GET", "DELETE"]) : "POST";
      const reply = await post(agent, body, method).catch((error: Error) => {
        throw new Error(`case ${index}: ${error.message} for ${String(body).slice(0, 200)}`);
      });
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      if (!CHAT_STATUSES.has(reply.status)) {
        throw new Error(`case ${index}: ${reply.status} ${reply.body.slice(0, 300)} for ${String(body).slice(0, 200)}`);
      }
      if (reply.status >= 400) OpenAIErrorBodySchema.parse(JSON.parse(reply.body));
    });
    agent.destroy();
    console.info("demo model chat storm statuses", Object.fromEntries(statuses));
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(STORM_SIZE + oversized);
    expect(statuses.get(413)).toBe(oversized);
    for (const status of [200, 400]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(500);
    for (const status of [404, 405]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
    expect(await model.prototypeNames()).toEqual(prototypeBefore);
    expect(failures()).toEqual([]);
    await healthy();
  });

  it("item 1: stops streams the client cuts off mid-way, and a body cut off mid-way is no server failure", async () => {
    const before = stoppedReplies();
    const body = JSON.stringify(openClawRequest("take 5 seconds"));
    const firstChunks = await pool(20, 10, () => firstChunkThenHangUp(body));
    for (const chunk of firstChunks) expect(chunk).toMatch(/"role":"assistant"/);
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    await pool(20, 10, (i) => rawExchange(model.port, `${head}${body.slice(0, Math.floor((i * body.length) / 20))}`, { halfClose: true }));
    // The server sees each close a moment after the client does: poll, bounded.
    for (let i = 0; i < 100 && stoppedReplies() < before + 20; i += 1) await new Promise((wait) => setTimeout(wait, 50));
    expect(stoppedReplies()).toBe(before + 20);
    expect(failures()).toEqual([]);
    await healthy();
  });

  it("answers 1,500 malformed raw requests (request lines, targets, headers, framing) with no 5xx", async () => {
    const random = seededRandom(20261203);
    const requests = malformedRequests(random, 1_500, {
      paths: ["/v1/chat/completions", "/v1/models", "/v1/models/clawbridge-demo", "/v1/models/__proto__", "/health", "/"],
      methods: ["POST", "POST", "GET", "HEAD"],
      bodies: [...SEEDS.map((seed) => JSON.stringify(seed)), '{"model":"constructor","messages":[{"role":"__proto__","content":"x"}]}'],
      headers: ["content-type: application/json", "authorization: Bearer clawbridge-local"],
    });
    const statuses = new Map<number, number>();
    await pool(requests.length, 16, async (index) => {
      const reply = await rawExchange(model.port, requests[index] as string, { timeoutMs: ANSWER_BOUND_MS });
      const status = statusOf(reply);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500 || status === 0) throw new Error(`case ${index}: ${status} for ${JSON.stringify(requests[index]?.slice(0, 300))}`);
      if (status >= 400 && !requests[index]?.startsWith("HEAD ")) OpenAIErrorBodySchema.parse(bodyOf(reply));
    });
    console.info("demo model raw request statuses", Object.fromEntries(statuses));
    for (const status of [200, 400, 404, 405, 408]) expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
    expect(await model.prototypeNames()).toEqual(prototypeBefore);
    expect(failures()).toEqual([]);
    await healthy();
  });

  it("cuts off slow senders (trickled headers and bodies) with a 408 and keeps answering meanwhile", async () => {
    const headers = Array.from({ length: 12 }, () => trickle(model.port, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    const bodies = Array.from({ length: 12 }, () =>
      trickle(model.port, 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-length: 100000\r\n\r\n{"model":"', { drip: "m" }),
    );
    await healthy();
    for (const { reply } of await Promise.all([...headers, ...bodies])) {
      expect(statusOf(reply)).toBe(408);
      expect(OpenAIErrorBodySchema.parse(bodyOf(reply)).error.code).toBe("request_timeout");
    }
    expect(failures()).toEqual([]);
    await healthy();
  });

  it("refuses connections past the cap with a deliberate 503, closes the idle ones, then serves again", async () => {
    const held = await idleSockets(model.port, MAX_CONNECTIONS);
    const refused = await Promise.all(Array.from({ length: 8 }, () => rawExchange(model.port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")));
    for (const reply of refused) {
      expect(statusOf(reply)).toBe(503);
      expect(OpenAIErrorBodySchema.parse(bodyOf(reply)).error.code).toBe("too_many_connections");
    }
    for (const reply of await Promise.all(held.map(({ closed }) => closed))) expect(statusOf(reply)).toBe(408);
    // The server counts a socket gone once it has seen its close too: poll, bounded.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i += 1) {
      status = statusOf(await rawExchange(model.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    }
    expect(status).toBe(200);
  });

  it("afterwards: still running, RSS bounded, Object.prototype untouched, nothing logged as failed, a streamed turn works", async () => {
    const rssAfter = residentBytes(model.child.pid);
    console.info(`demo model RSS: ${(rssBefore / 2 ** 20).toFixed(1)} MiB before, ${(rssAfter / 2 ** 20).toFixed(1)} MiB after`);
    expect(rssAfter - rssBefore).toBeLessThan(100 * 1024 * 1024);
    expect(await model.prototypeNames()).toEqual(prototypeBefore);
    expect(failures()).toEqual([]);
    const streamed = await fetch(`${baseUrl}/chat/completions`, {
      method: "POST",
      body: JSON.stringify(openClawRequest("after the storm")),
    });
    const text = await streamed.text();
    expect(text).toMatch(/data: \[DONE\]\n\n$/);
    expect(text).toContain("after");
    await healthy();
  });
});
