import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfigObject } from "../route/config-file.js";
import { type RunningDaemon, startDaemon } from "./daemon.js";

let daemon: RunningDaemon;
let stateDir: string;
const TOKEN = "a-token-of-at-least-16-chars";

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "clawhip-http-"));
  const parsed = parseConfigObject({ daemon: { token: TOKEN, body_limit_bytes: 4096 } });
  if (!parsed.ok) throw new Error(parsed.error);
  daemon = await startDaemon({ config: parsed.config, stateDir, port: 0, log: () => {} });
});

afterAll(async () => {
  await daemon.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${daemon.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A chunked upload (no content-length), to prove the limit holds while streaming. */
function postChunked(path: string, chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(`${daemon.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("ingress daemon envelopes", () => {
  it("202 with the canonical type and event id on every ingress path", async () => {
    for (const path of ["/event", "/api/event", "/events"]) {
      const reply = await post(path, JSON.stringify({ type: "finished", tool: "omx" }));
      expect(reply).toEqual({ status: 202, body: { ok: true, type: "session.finished", event_id: expect.any(String) } });
    }
    for (const path of ["/api/omx/hook", "/omx/hook"]) {
      const reply = await post(path, JSON.stringify({ schema_version: "1", context: { normalized_event: "blocked" } }));
      expect(reply.body.type).toBe("session.blocked");
    }
    for (const path of ["/api/native/hook", "/native/hook"]) {
      const reply = await post(path, JSON.stringify({ provider: "codex", hook_event_name: "Stop", directory: "/r/x" }));
      expect(reply.body.type).toBe("session.finished");
    }
  });

  it("401 without the bearer token, 415 for a non-JSON content type", async () => {
    expect(await post("/event", "{}", { authorization: "Bearer wrong" })).toEqual({
      status: 401,
      body: { ok: false, error: "unauthorized: send Authorization: Bearer <token>" },
    });
    const form = await post("/event", "type=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.body.error).toContain("expected application/json");
  });

  it("400 for invalid JSON and for over-deep nesting, 422 for a non-event", async () => {
    const invalid = await post("/event", '{"type":');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/^invalid JSON body: /);
    const deep = await post("/event", `${"[".repeat(100)}${"]".repeat(100)}`);
    expect(deep).toEqual({ status: 400, body: { ok: false, error: "body nests deeper than 64 levels" } });
    expect((await post("/event", `${"[".repeat(65)}${"]".repeat(65)}`)).status).toBe(400);
    expect((await post("/event", `${"[".repeat(64)}${"]".repeat(64)}`)).status).toBe(422);
    const deepObject = `{"type":"x","a":${'{"b":'.repeat(70)}1${"}".repeat(70)}}`;
    expect((await post("/event", deepObject)).body.error).toBe("body nests deeper than 64 levels");
    expect(await post("/event", "[]")).toEqual({ status: 422, body: { ok: false, error: "invalid type: expected an event object" } });
  });

  it("answers each request of a concurrent burst on its own: a bad body fails alone", async () => {
    const bodies = Array.from({ length: 40 }, (_, i) =>
      i % 10 === 3 ? '{"type":' : JSON.stringify({ type: "custom", message: `m${i}`, event_id: i % 10 === 7 ? "same-id" : `id-${i}` }),
    );
    const before = ((await (await fetch(`${daemon.url}/health`)).json()) as { pending: number }).pending;
    const replies = await Promise.all(bodies.map((body) => post("/event", body)));
    replies.forEach((reply, i) => {
      if (i % 10 === 3) expect(reply.status).toBe(400);
      else expect(reply.body).toEqual({ ok: true, type: "custom", event_id: expect.any(String) });
    });
    // No route and no default channel here, so nothing is spooled (batch dedupe: delivery.test.ts).
    const after = ((await (await fetch(`${daemon.url}/health`)).json()) as { pending: number }).pending;
    expect(after).toBe(before);
  });

  it("413 over the body limit, declared or streamed", async () => {
    const big = JSON.stringify({ type: "x", blob: "y".repeat(5000) });
    expect((await post("/event", big)).status).toBe(413);
    const streamed = await postChunked("/event", ['{"type":"x","blob":"', "z".repeat(3000), "z".repeat(3000), '"}']);
    expect(streamed).toEqual({ status: 413, body: { ok: false, error: "request body exceeds the 4096-byte limit" } });
    expect((await post("/event", JSON.stringify({ type: "x" }))).status).toBe(202);
  });

  it("404 for unknown paths, 405 for wrong methods, health without auth", async () => {
    expect((await post("/nope", "{}")).status).toBe(404);
    const get = await fetch(`${daemon.url}/event`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const health = await fetch(`${daemon.url}/health`);
    expect(await health.json()).toMatchObject({ ok: true, version: "0.1.0", pending: 0, dead: 0 });
  });

  it("binds loopback by default", () => {
    expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
