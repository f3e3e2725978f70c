import type { RunningOomiBackend } from "@clawbridge/oomi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE, installLightFixture, startTestBackend, testEnv } from "../../test/support.js";
import { stopManagedRuntime } from "../runtime/stop.js";
import { runLaunchManaged } from "./launch-managed.js";

let backend: RunningOomiBackend;
let home: string;
let root: string;

beforeAll(async () => {
  ({ backend, home, root } = await startTestBackend());
});
afterAll(() => backend.stop());

describe("launch-managed keeps local launch and backend registration apart", () => {
  it("reports ok:false when the runtime serves locally but registration fails", async () => {
    await installLightFixture(root, "half-up", { defaultPort: 45600 });
    await fetch(`${backend.url}/v1/personas/managed_create`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEVICE.deviceToken}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "half-up", name: "Half Up", description: "d" }),
    });
    // The real backend answers everything except the registration, which fails as a broken backend would.
    const flakyFetch = async (url: string, init?: RequestInit) =>
      url.endsWith("/runtime_register")
        ? new Response(JSON.stringify({ error: "registration store unavailable", code: "internal" }), { status: 503 })
        : fetch(url, init);
    const result = await runLaunchManaged(
      "half-up",
      { workspaceRoot: root },
      { env: testEnv(home, backend.url), cwd: root, progress: () => {}, fetch: flakyFetch },
    );
    try {
      expect(result).toMatchObject({
        ok: false,
        launch: { ok: true, slug: "half-up" },
        registration: { ok: false, error: { message: expect.stringContaining("registration store unavailable") } },
        error: { code: "REGISTRATION_FAILED" },
      });
      expect(await (await fetch(result.runtime?.healthcheckUrl as string)).json()).toMatchObject({ ok: true });
    } finally {
      await stopManagedRuntime("half-up", root);
    }
  });
});
