import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
    expect(resolveStaticPath("/srv/app", "/%E0%A4%A")).toBeUndefined();
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

  it("says what to do when the app is not built", async () => {
    const empty = await mkdtemp(join(tmpdir(), "om-empty-"));
    await expect(startOpenMeowWebServer({ root: empty })).rejects.toThrow("OpenMeow web is not built");
  });
});
