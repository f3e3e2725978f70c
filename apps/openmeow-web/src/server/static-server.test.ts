import { mkdtemp, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RequestTargetError } from "@clawbridge/plugin-host";
import { rawExchange } from "@clawbridge/plugin-host/testing";
import { afterEach, describe, expect, it } from "vitest";
import { resolveStaticPath, type StaticServer, startOpenMeowWebServer } from "./static-server.js";

let server: StaticServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("resolveStaticPath", () => {
  it("maps / to index.html and refuses paths that escape the root", () => {
    expect(resolveStaticPath("/srv/app", "/")).toBe("/srv/app/index.html");
    expect(resolveStaticPath("/srv/app", "/app.js?x=1")).toBe("/srv/app/app.js");
    expect(resolveStaticPath("/srv/app", "/../secret")).toBe("/srv/app/secret");
    expect(resolveStaticPath("/srv/app", "/%2e%2e/%2e%2e/etc/passwd")).toBe("/srv/app/etc/passwd");
    expect(() => resolveStaticPath("/srv/app", "/%E0%A4%A")).toThrow(RequestTargetError);
    expect(resolveStaticPath("/srv/app", "/a%00b")).toBeUndefined();
  });
});

describe("startOpenMeowWebServer", () => {
  it("serves files with content types, 404s the rest, refuses writes", async () => {
    const root = await mkdtemp(join(tmpdir(), "om-static-"));
    await writeFile(join(root, "index.html"), "<!doctype html><p>hi</p>");
    await writeFile(join(root, "app.js"), "console.log(1)");
    server = await startOpenMeowWebServer({ root });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await index.text()).toContain("hi");
    expect((await fetch(`${server.url}/app.js`)).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
    expect((await fetch(`${server.url}/`, { method: "POST", body: "x" })).status).toBe(405);
  });

  it("item 1: answers a malformed target or %-escape with a JSON 400 and keeps serving", async () => {
    const root = await mkdtemp(join(tmpdir(), "om-static-"));
    await writeFile(join(root, "index.html"), "<p>hi</p>");
    server = await startOpenMeowWebServer({ root });
    for (const target of ["//[", "/%zz", "/app%ff.js"]) {
      const reply = await rawExchange(server.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(reply.slice(0, 12), target).toBe("HTTP/1.1 400");
      expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4)), target).toMatchObject({ ok: false, error: { code: "bad_request" } });
    }
    expect((await fetch(`${server.url}/`)).status).toBe(200);
  });

  it("item 9: answers a slow header sender with a 408 and a connection flood with a 503", async () => {
    const root = await mkdtemp(join(tmpdir(), "om-static-"));
    await writeFile(join(root, "index.html"), "<p>hi</p>");
    server = await startOpenMeowWebServer({ root, headersTimeoutMs: 200, maxConnections: 2 });
    const held = [connect(server.port, "127.0.0.1"), connect(server.port, "127.0.0.1")];
    await Promise.all(held.map((socket) => new Promise((resolve) => socket.once("connect", resolve))));
    const refused = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(refused.slice(0, 12)).toBe("HTTP/1.1 503");
    for (const socket of held) socket.destroy();
    const open = (running: StaticServer) =>
      new Promise<number>((resolve, reject) => running.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    for (let attempt = 0; attempt < 100 && (await open(server)) > 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const trickled = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\n");
    expect(trickled.slice(0, 12)).toBe("HTTP/1.1 408");
  });

  it("says what to do when the app is not built", async () => {
    const empty = await mkdtemp(join(tmpdir(), "om-empty-"));
    await expect(startOpenMeowWebServer({ root: empty })).rejects.toThrow("OpenMeow web is not built");
  });
});
