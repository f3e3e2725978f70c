import { request as httpRequest } from "node:http";
import {
  type ChatCompletionChunk,
  ChatCompletionChunkSchema,
  ChatCompletionSchema,
  OpenAIErrorBodySchema,
  OpenAIModelListSchema,
} from "@clawbridge/contracts";
import { rawExchange, statusOf } from "@clawbridge/plugin-host/testing";
import { afterEach, describe, expect, it } from "vitest";
import { openClawRequest } from "../test/openclaw-request.js";
import { type RunningDemoModel, type Sleep, startDemoModel } from "./server.js";

let running: RunningDemoModel | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A sleep that returns at once and remembers how long it was asked to wait. */
function recordingSleep() {
  const waits: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    waits.push(ms);
    if (signal.aborted) throw signal.reason;
  };
  return { waits, sleep };
}

const post = (body: unknown) =>
  fetch(`${running?.baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer clawbridge-local" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

/** The `data:` payloads of a server-sent event stream. */
function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => event.slice("data: ".length));
}

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const body = OpenAIErrorBodySchema.parse(await response.json());
  expect(body.error.code).toBe(code);
  expect(body.error.type).toBe("invalid_request_error");
  return body.error.message;
}

describe("demo model server", () => {
  it("lists its one model, labelled as the demo", async () => {
    running = await startDemoModel({ now: () => 1_800_000_000_000 });
    const list = OpenAIModelListSchema.parse(await (await fetch(`${running.baseUrl}/models`)).json());
    expect(list.data).toEqual([{ id: "clawbridge-demo", object: "model", created: 1_800_000_000, owned_by: "clawbridge" }]);
    expect((await fetch(`${running.baseUrl}/models/clawbridge-demo`)).status).toBe(200);
    await expectError(await fetch(`${running.baseUrl}/models/gpt-4o`), 404, "model_not_found");
    expect(await (await fetch(running.url)).text()).toMatch(/not an AI/);
  });

  it("streams a reply token by token as server-sent events ending in [DONE], pacing each token", async () => {
    const { waits, sleep } = recordingSleep();
    running = await startDemoModel({ sleep, tokenDelayMs: 7, newId: () => "abc123" });
    const response = await post(openClawRequest("hello there"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe("[DONE]");
    const chunks: ChatCompletionChunk[] = data.slice(0, -1).map((line) => ChatCompletionChunkSchema.parse(JSON.parse(line)));
    expect(chunks.every((chunk) => chunk.id === "chatcmpl-demo-abc123" && chunk.model === "clawbridge-demo")).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toMatch(/You said: "hello there"$/);
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    expect(waits.length).toBeGreaterThan(5);
    expect(waits.every((ms) => ms === 7)).toBe(true);
  });

  it("answers whole when the request does not stream, after as long as the stream would take", async () => {
    const { waits, sleep } = recordingSleep();
    running = await startDemoModel({ sleep, tokenDelayMs: 0 });
    const response = await post({ ...openClawRequest("take 4 seconds"), stream: false });
    const completion = ChatCompletionSchema.parse(await response.json());
    expect(completion.choices[0]?.message.content).toBe("Taking my time (4 seconds), as asked: 1 2 3 4 Done.");
    expect(waits).toEqual([4000]);
  });

  it("refuses malformed bodies with OpenAI's error envelope and keeps serving", async () => {
    running = await startDemoModel({ sleep: recordingSleep().sleep });
    await expectError(await post("{oops"), 400, "invalid_json");
    expect(await expectError(await post({ model: "clawbridge-demo", messages: "hi" }), 400, "invalid_request")).toMatch(/messages/);
    await expectError(await post({ model: "clawbridge-demo", messages: [{ role: "robot", content: "x" }] }), 400, "invalid_request");
    await expectError(await post({ ...openClawRequest("hi"), stream: "yes" }), 400, "invalid_request");
    await expectError(await post({ ...openClawRequest("hi"), model: "gpt-4o" }), 404, "model_not_found");
    const notAllowed = await fetch(`${running.baseUrl}/chat/completions`);
    expect(notAllowed.headers.get("allow")).toBe("POST");
    await expectError(notAllowed, 405, "method_not_allowed");
    await expectError(await fetch(`${running.baseUrl}/models/%C0`), 400, "bad_request");
    await expectError(await fetch(`${running.url}/v2/anything`), 404, "not_found");
    const malformed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port: running?.port, path: "//[", method: "GET" }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(malformed.status).toBe(400);
    expect(OpenAIErrorBodySchema.parse(JSON.parse(malformed.body)).error.code).toBe("bad_request");
    expect((await post(openClawRequest("still here"))).status).toBe(200);
  });

  it("stops a slow reply as soon as the client goes away", async () => {
    const lines: string[] = [];
    let stopped!: () => void;
    const stoppedReply = new Promise<void>((resolve) => (stopped = resolve));
    const pending: number[] = [];
    // Never elapses on its own: only the client leaving ends the wait.
    const sleep: Sleep = (ms, signal) =>
      new Promise((_, reject) => {
        pending.push(ms);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    running = await startDemoModel({
      sleep,
      log: (line) => {
        lines.push(line);
        if (/went away/.test(line)) stopped();
      },
    });
    const client = new AbortController();
    const response = await fetch(`${running.baseUrl}/chat/completions`, {
      method: "POST",
      body: JSON.stringify(openClawRequest("take your time")),
      signal: client.signal,
    });
    const reader = response.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    expect(first).toMatch(/"role":"assistant"/);
    client.abort();
    await stoppedReply;
    expect(pending).toHaveLength(1);
    expect(lines).toEqual(["chat streamed: text (take_time, 38 tokens)", "chat: the client went away; reply stopped"]);
  });

  it("item 1: a body the client cuts off mid-way is no server failure (nothing logged as failed)", async () => {
    const lines: string[] = [];
    running = await startDemoModel({ log: (line) => lines.push(line), requestTimeoutMs: 1_000 });
    const body = JSON.stringify(openClawRequest("hello"));
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\ncontent-length: ${body.length}\r\n\r\n`;
    for (const sent of [0, 10, body.length - 1]) {
      // The half-close ends the request early: the server sees the body cut off.
      await rawExchange(running.port, head + body.slice(0, sent), { halfClose: true });
    }
    // Answered after the cut-off requests were read to their end, in order, on the same server.
    expect(statusOf(await rawExchange(running.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).toBe(200);
    expect(lines.filter((line) => line.includes("failed"))).toEqual([]);
    expect((await post(openClawRequest("still here"))).status).toBe(200);
  });
});
