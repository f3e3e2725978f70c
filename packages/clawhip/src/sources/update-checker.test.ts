import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ClawhipUpdateSchema, ClawhipUpdateStatusSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { IncomingEvent } from "../normalize/incoming.js";
import { renderEvent } from "../render/render-event.js";
import { checkForUpdate, compareVersions, isNewer, normalizeVersion, UpdateChecker, UpdateError } from "./update-checker.js";

describe("version comparison (upstream update.rs tests)", () => {
  it.each([
    ["0.6.0", "0.5.4", true],
    ["0.5.5", "0.5.4", true],
    ["1.0.0", "0.9.9", true],
    ["0.5.4", "0.5.4", false],
    ["0.5.3", "0.5.4", false],
    ["0.4.0", "0.5.4", false],
    ["0.5.4.1", "0.5.4", true],
    ["0.5.4", "0.5.4.1", false],
    ["v0.5.5", "0.5.4", true],
    ["1.0.0-beta.1", "0.5.4", false],
  ])("%s newer than %s: %s", (latest, current, newer) => {
    expect(isNewer(latest, current)).toBe(newer);
  });

  it("version_comparison_handles_prefix, compare_versions_equal, compare_versions_rejects_non_numeric", () => {
    expect(["v0.5.5", "V0.5.5", "0.5.5"].map(normalizeVersion)).toEqual(["0.5.5", "0.5.5", "0.5.5"]);
    expect(compareVersions("0.5.4", "0.5.4")).toBe(0);
    expect(compareVersions("abc", "0.5.4")).toBeUndefined();
  });

  it("default_check_interval, update off by default", () => {
    expect(ClawhipUpdateSchema.parse({})).toEqual({ enabled: false, check_interval_secs: 3600, registry: "https://registry.npmjs.org" });
    expect(ClawhipUpdateSchema.safeParse({ check_interval_secs: 59 }).success).toBe(false);
  });
});

describe("UpdateChecker against a local registry", () => {
  let server: Server;
  let registry: string;
  let latest: string | undefined;
  const asked: string[] = [];
  let events: IncomingEvent[];
  let installed: string[];
  let installError: Error | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? "");
      if (req.url === "/-/package/@clawbridge%2fclawhip/dist-tags" && latest !== undefined) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ latest, next: "9.9.9-rc.1" }));
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"error":"Not found"}');
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    asked.length = 0;
    events = [];
    installed = [];
    installError = undefined;
  });

  const checker = () =>
    new UpdateChecker({
      config: ClawhipUpdateSchema.parse({ enabled: true, channel: "ops", registry }),
      packageName: "@clawbridge/clawhip",
      currentVersion: "0.1.0",
      fetch,
      now: () => Date.UTC(2026, 3, 7),
      emit: async (event) => {
        events.push(event);
      },
      install: async (version) => {
        installed.push(version);
        if (installError) throw installError;
      },
      log: () => undefined,
    });
  const messages = () =>
    events.map((e) => renderEvent({ kind: e.kind, payload: e.payload as Record<string, unknown> }, e.format ?? "compact"));

  it("a newer release is pending and announced once, as upstream words it; approve installs it and says so", async () => {
    latest = "v0.2.0";
    const c = checker();
    await c.checkOnce();
    await c.checkOnce();
    expect(asked).toEqual(["/-/package/@clawbridge%2fclawhip/dist-tags"]);
    expect(events.map((e) => [e.kind, e.channel, e.format])).toEqual([["custom", "ops", "alert"]]);
    expect(messages()).toEqual([
      "🚨 clawhip update available: v0.1.0 \u2192 v0.2.0\nApprove via: POST /api/update/approve  or  clawhip update approve\nhttps://www.npmjs.com/package/@clawbridge/clawhip/v/0.2.0",
    ]);
    expect(ClawhipUpdateStatusSchema.parse(c.status())).toEqual({
      pending: true,
      current_version: "0.1.0",
      latest_version: "0.2.0",
      release_url: "https://www.npmjs.com/package/@clawbridge/clawhip/v/0.2.0",
      detected_at: "2026-04-07T00:00:00.000Z",
    });
    expect((await c.approve()).latest_version).toBe("0.2.0");
    expect(installed).toEqual(["0.2.0"]);
    expect(messages()[1]).toBe("🚨 clawhip updated to v0.2.0 successfully. Restart may follow.");
    expect(c.status()).toEqual({ pending: false, current_version: "0.1.0" });
    await expect(c.approve()).rejects.toThrow(new UpdateError("no pending update to approve"));
  });

  it("a failed install is reported and answered as an error", async () => {
    latest = "0.3.0";
    installError = new Error("npm install failed: E404");
    const c = checker();
    await c.checkOnce();
    await expect(c.approve()).rejects.toThrow("npm install failed: E404");
    expect(messages()[1]).toBe("🚨 clawhip update to v0.3.0 failed: npm install failed: E404");
  });

  it("pending_update_lifecycle: dismiss forgets it; dismiss_empty_pending_returns_error", async () => {
    latest = "0.2.0";
    const c = checker();
    await c.checkOnce();
    expect(c.dismiss().latest_version).toBe("0.2.0");
    expect(c.status().pending).toBe(false);
    expect(() => c.dismiss()).toThrow("no pending update to dismiss");
  });

  it("the same or an older release, or an unknown package, is no update", async () => {
    for (const version of ["0.1.0", "0.0.9", undefined]) {
      latest = version;
      await checker().checkOnce();
    }
    expect(events).toEqual([]);
    latest = undefined;
    expect(await checkForUpdate(fetch, registry, "@clawbridge/clawhip", "0.1.0")).toEqual({
      current_version: "0.1.0",
      latest_version: null,
      update_available: false,
      release_url: null,
    });
  });
});
