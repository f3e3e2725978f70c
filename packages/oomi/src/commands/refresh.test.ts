import { mkdtemp } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OomiRefreshResultSchema } from "@clawbridge/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { isBehind, runRefresh } from "./openclaw.js";

const cliPath = resolve(import.meta.dirname, "../../bin/oomi.cjs");
let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A registry on loopback that names `latest` for every package, and counts the requests it got. */
async function registry(latest: string) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(req.url ?? "");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name: "@clawbridge/oomi", version: latest }));
  });
  await new Promise<void>((done) => server?.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function context(env: Record<string, string>) {
  const home = await mkdtemp(join(tmpdir(), "oomi-refresh-"));
  const lines: string[] = [];
  return { ctx: { env: { HOME: home, PATH: process.env.PATH ?? "", ...env }, cwd: home, progress: (l: string) => lines.push(l) }, lines };
}

describe("oomi openclaw refresh: the version check", () => {
  it("refuses when npm has a newer version, goes on when it is current", async () => {
    const newer = await registry("99.0.0");
    const { ctx } = await context({ OOMI_NPM_REGISTRY: newer.url });
    await expect(runRefresh({}, ctx, cliPath)).rejects.toMatchObject({
      code: "VERSION_BEHIND",
      message: expect.stringContaining("99.0.0"),
    });
    expect(newer.seen).toEqual(["/@clawbridge%2Foomi/latest"]);
    await new Promise<void>((done) => server?.close(() => done()));
    const same = await registry("0.0.1");
    const current = await runRefresh({}, (await context({ OOMI_NPM_REGISTRY: same.url })).ctx, cliPath);
    expect(OomiRefreshResultSchema.parse(current)).toMatchObject({ ok: true, latestVersion: "0.0.1", versionCheck: { status: "current" } });
  });

  it("is never fatal offline, and is skipped by OOMI_SKIP_UPDATE_CHECK or --skip-version-check without asking", async () => {
    const { ctx, lines } = await context({ OOMI_NPM_REGISTRY: "http://127.0.0.1:9", OOMI_UPDATE_CHECK_TIMEOUT_MS: "2000" });
    const offline = await runRefresh({}, ctx, cliPath);
    expect(offline).toMatchObject({ ok: true, versionCheck: { status: "unavailable", reason: expect.stringContaining("unreachable") } });
    expect(offline.latestVersion).toBe(offline.currentVersion);
    expect(lines.some((line) => line.startsWith("version check skipped"))).toBe(true);
    const counted = await registry("99.0.0");
    const byEnv = await runRefresh({}, (await context({ OOMI_NPM_REGISTRY: counted.url, OOMI_SKIP_UPDATE_CHECK: "1" })).ctx, cliPath);
    const byFlag = await runRefresh({ versionCheck: false }, (await context({ OOMI_NPM_REGISTRY: counted.url })).ctx, cliPath);
    for (const result of [byEnv, byFlag]) expect(result).toMatchObject({ ok: true, versionCheck: { status: "skipped" } });
    expect(counted.seen).toEqual([]);
  });

  it("compares versions as numbers", () => {
    expect(isBehind("0.9.0", "0.10.0")).toBe(true);
    expect(isBehind("1.2.3", "1.2.3")).toBe(false);
    expect(isBehind("2.0.0", "1.9.9")).toBe(false);
    expect(isBehind("unknown", "1.0.0")).toBe(false);
  });
});
