import { describe, expect, it } from "vitest";
import { OomiBackendClient } from "./client.js";
import { resolveBackendUrl } from "./connection.js";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function scriptedFetch(responses: Array<() => Response | Promise<Response>>) {
  const calls: Call[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    calls.push({
      url,
      method: init?.method ?? "GET",
      headers: init?.headers as Record<string, string>,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    const next = responses.shift();
    if (!next) throw new Error("no scripted response left");
    return next();
  };
  return { calls, fetch };
}

const json = (status: number, body: unknown) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("OomiBackendClient", () => {
  it("sends the bearer token and adds deviceId to POST bodies", async () => {
    const job = {
      jobId: "pj_1",
      status: "running",
      deviceId: "dev-1",
      jobType: "create_persona_runtime",
      slug: "a-persona",
      startedAt: "2026-01-01T00:00:00.000Z",
      completedAt: null,
      result: null,
      failure: null,
    };
    const { calls, fetch } = scriptedFetch([json(200, { job })]);
    const client = new OomiBackendClient({ baseUrl: "http://b.test/", deviceToken: "secret-token", deviceId: "dev-1", fetch });
    await client.jobStart("pj_1", "2026-01-01T00:00:00.000Z");
    expect(calls[0]).toMatchObject({
      url: "http://b.test/v1/persona_jobs/pj_1/start",
      method: "POST",
      headers: { authorization: "Bearer secret-token" },
      body: { startedAt: "2026-01-01T00:00:00.000Z", deviceId: "dev-1" },
    });
  });

  it("retries GETs on 5xx a bounded number of times, never POSTs", async () => {
    const get = scriptedFetch([json(503, { error: "busy" }), json(503, { error: "busy" }), json(503, { error: "still busy" })]);
    const client = new OomiBackendClient({ baseUrl: "http://b.test", deviceToken: "t", fetch: get.fetch, getRetries: 2, retryDelayMs: 1 });
    await expect(client.listPersonas()).rejects.toMatchObject({ status: 503, message: expect.stringContaining("still busy") });
    expect(get.calls).toHaveLength(3);

    const post = scriptedFetch([json(503, { error: "busy" })]);
    const poster = new OomiBackendClient({ baseUrl: "http://b.test", deviceToken: "t", fetch: post.fetch, retryDelayMs: 1 });
    await expect(poster.runtimeFail("a", { code: "X", message: "y" })).rejects.toMatchObject({ status: 503 });
    expect(post.calls).toHaveLength(1);
  });

  it("carries status and the backend's message, and never the token, in errors", async () => {
    const { fetch } = scriptedFetch([json(401, { error: "a valid device token is required", code: "unauthorized" })]);
    const client = new OomiBackendClient({ baseUrl: "http://b.test", deviceToken: "secret-token", fetch });
    const error = await client.managedCreate({ name: "A", description: "B" }).catch((e) => e);
    expect(error).toMatchObject({ code: "BACKEND_UNAUTHORIZED", status: 401 });
    expect(error.message).toContain("a valid device token is required");
    expect(error.message).not.toContain("secret-token");
  });

  it("maps 404 on a persona lookup to null and network failures to BACKEND_UNREACHABLE", async () => {
    const { fetch } = scriptedFetch([json(404, { error: "nope", code: "persona_not_found" })]);
    expect(await new OomiBackendClient({ baseUrl: "http://b.test", fetch }).findPersona("x")).toBeNull();
    const down = async () => {
      throw new TypeError("fetch failed");
    };
    const client = new OomiBackendClient({ baseUrl: "http://b.test", deviceToken: "t", fetch: down, getRetries: 1, retryDelayMs: 1 });
    await expect(client.listPersonas()).rejects.toMatchObject({ code: "BACKEND_UNREACHABLE" });
  });

  it("times out a request that never answers", async () => {
    const hang = (_url: string, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const client = new OomiBackendClient({ baseUrl: "http://b.test", deviceToken: "t", fetch: hang, timeoutMs: 50, getRetries: 0 });
    await expect(client.listPersonas()).rejects.toMatchObject({ code: "BACKEND_TIMEOUT" });
  });

  it("refuses a POST without a device token and rejects a malformed success body", async () => {
    await expect(new OomiBackendClient({ baseUrl: "http://b.test" }).jobStart("j", "t")).rejects.toMatchObject({
      code: "DEVICE_TOKEN_MISSING",
    });
    const { fetch } = scriptedFetch([json(200, { personas: "nope" })]);
    await expect(new OomiBackendClient({ baseUrl: "http://b.test", fetch }).listPersonas()).rejects.toMatchObject({
      code: "BACKEND_BAD_RESPONSE",
    });
  });
});

describe("backend URL resolution", () => {
  const state = { brokerHttp: "http://paired.test", deviceId: "d", deviceToken: "t", sessionKey: "s" };
  it("follows flag → OOMI_DEV_BACKEND_URL → OOMI_BACKEND_URL → NEXT_PUBLIC_BACKEND_URL → paired brokerHttp", () => {
    const env = {
      OOMI_DEV_BACKEND_URL: "http://dev.test/",
      OOMI_BACKEND_URL: "http://main.test",
      NEXT_PUBLIC_BACKEND_URL: "http://pub.test",
    };
    expect(resolveBackendUrl({ backendUrl: "http://flag.test" }, env, state)).toBe("http://flag.test");
    expect(resolveBackendUrl({}, env, state)).toBe("http://dev.test");
    expect(resolveBackendUrl({}, { OOMI_BACKEND_URL: "http://main.test", NEXT_PUBLIC_BACKEND_URL: "http://pub.test" }, state)).toBe(
      "http://main.test",
    );
    expect(resolveBackendUrl({}, { NEXT_PUBLIC_BACKEND_URL: "http://pub.test" }, state)).toBe("http://pub.test");
    expect(resolveBackendUrl({}, {}, state)).toBe("http://paired.test");
    expect(() => resolveBackendUrl({}, {}, null)).toThrow(/--backend-url/);
    expect(() => resolveBackendUrl({ backendUrl: "ftp://x" }, {}, null)).toThrow(/http/);
  });
});
