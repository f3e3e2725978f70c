import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readBody } from "./http-io.js";
import {
  createGuardedServer,
  decodePathParam,
  type guardHandler,
  RequestTargetError,
  requestTarget,
  secretEquals,
} from "./server-guard.js";
import { rawExchange } from "./testing/index.js";

const errorBody = (status: number, code: string, message: string) => ({ ok: false, status, error: { code, message } });

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: Parameters<typeof guardHandler>[0], options: { maxConnections?: number; log?: (l: string) => void } = {}) {
  server = createGuardedServer(handler, { errorBody, ...options, headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("requestTarget", () => {
  it("keeps a leading // as part of the path instead of reading it as a host", () => {
    expect(requestTarget({ url: "//a:99999/" }).pathname).toBe("//a:99999/");
    expect(requestTarget({ url: "/a%20b" }).pathname).toBe("/a%20b");
    expect(requestTarget({ url: "/v1/x?y=1" }).searchParams.get("y")).toBe("1");
  });

  it("refuses a path outside RFC 3986 or with a broken escape, and keeps a lenient query", () => {
    for (const url of ["//[", "/a b", "/%zz", "/%4", "/x?y=%z1"]) expect(() => requestTarget({ url })).toThrow(RequestTargetError);
    expect(requestTarget({ url: "/x?a[]=1|2" }).searchParams.get("a[]")).toBe("1|2");
  });

  it("refuses a target that is not a path", () => {
    expect(() => requestTarget({ url: "http://evil/" })).toThrow(RequestTargetError);
    expect(() => requestTarget({ url: "*" })).toThrow(RequestTargetError);
  });

  it("decodes %-escapes and refuses bad ones as a 400", () => {
    expect(decodePathParam("a%20b")).toBe("a b");
    expect(() => decodePathParam("%zz")).toThrow(RequestTargetError);
  });
});

describe("secretEquals", () => {
  it("matches only the same string, of any length", () => {
    expect(secretEquals("s3cret", "s3cret")).toBe(true);
    expect(secretEquals("s3cre", "s3cret")).toBe(false);
    expect(secretEquals("s3cret-and-more", "s3cret")).toBe(false);
    expect(secretEquals(undefined, "s3cret")).toBe(false);
    expect(secretEquals("", "")).toBe(true);
  });
});

describe("guarded server", () => {
  it("answers a malformed target with a JSON 400 and keeps serving", async () => {
    const port = await listen((req, res) => {
      const { pathname } = requestTarget(req);
      decodePathParam(pathname.slice(1));
      res.end("ok");
    });
    for (const target of ["//[", "/%zz", "/ok%ff"]) {
      const reply = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(reply).toMatch(/^HTTP\/1\.1 400/);
      expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: { code: "bad_request" } });
    }
    expect(await rawExchange(port, "GET //a:99999/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 200/);
    expect(await rawExchange(port, "GET /fine HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
  });

  it("answers a request line the parser refuses with a JSON 400", async () => {
    const port = await listen((_req, res) => res.end("ok"));
    const reply = await rawExchange(port, "GET / HTTP/1.1 garbage\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).toContain('"bad_request"');
  });

  it("answers an HTTP/1.1 request without Host with a JSON 400 (not node's bodiless one); HTTP/1.0 needs none", async () => {
    const port = await listen((_req, res) => res.end("ok"));
    const reply = await rawExchange(port, "GET http://evil.example/ HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: { code: "bad_request" } });
    expect(await rawExchange(port, "GET / HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 200[\s\S]*ok$/);
  });

  it("answers an unsupported Expect with a JSON 417", async () => {
    const port = await listen((_req, res) => res.end("ok"));
    const reply = await rawExchange(port, "POST / HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 417/);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: { code: "expectation_failed" } });
  });

  it("item 1: answers a CONNECT with a JSON 405 instead of closing without a word, unless the server handles CONNECT", async () => {
    const port = await listen((_req, res) => res.end("ok"));
    const reply = await rawExchange(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 405/);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({ error: { code: "method_not_allowed" } });
    server?.on("connect", (_req, socket) => socket.end("HTTP/1.1 200 Connection Established\r\n\r\n"));
    expect(await rawExchange(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")).toBe(
      "HTTP/1.1 200 Connection Established\r\n\r\n",
    );
  });

  it("turns a throw or a rejection into a 500 for that request only, logged once without the query", async () => {
    const lines: string[] = [];
    const port = await listen(
      async (req) => {
        if (req.url?.startsWith("/sync")) throw new Error("boom");
        await Promise.resolve();
        throw new Error("async boom");
      },
      { log: (line) => lines.push(line) },
    );
    for (const path of ["/sync?token=secret", "/async?token=secret"]) {
      const reply = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(reply).toMatch(/^HTTP\/1\.1 500/);
    }
    expect(lines).toHaveLength(2);
    expect(lines.join("\n")).not.toContain("secret");
  });

  it("lets a body read cut off by the client's hang-up go: nothing logged, and the server serves on", async () => {
    const lines: string[] = [];
    let failed: (() => void) | undefined;
    const readFailed = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const port = await listen(
      async (req, res) => {
        if (req.method === "GET") return res.end("ok");
        await readBody(req, 1024).finally(() => failed?.());
        res.end("read");
      },
      { log: (line) => lines.push(line) },
    );
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{");
    await new Promise((resolve) => setImmediate(resolve));
    socket.destroy();
    await readFailed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(await rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 200/);
    expect(lines).toEqual([]);
  });

  it("refuses connections past the cap with a 503 and serves again once they close", async () => {
    const port = await listen((_req, res) => res.end("ok"), { maxConnections: 2 });
    const held = [connect(port, "127.0.0.1"), connect(port, "127.0.0.1")];
    await Promise.all(held.map((s) => new Promise((resolve) => s.once("connect", resolve))));
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(refused).toMatch(/^HTTP\/1\.1 503/);
    expect(refused).toContain("too_many_connections");
    await Promise.all(held.map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 200/);
  });

  it("closes a request whose headers never finish with a 408", async () => {
    const port = await listen((_req, res) => res.end("ok"));
    const reply = await rawExchange(port, "GET / HTTP/1.1\r\nHost: x\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  }, 10_000);
});
