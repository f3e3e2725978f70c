import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pluginHost from "@clawbridge/plugin-host";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type RunningOomiBackend, startOomiBackend } from "./server.js";

// Spies on the shared constant-time comparison, to prove every token check goes through it.
vi.mock(import("@clawbridge/plugin-host"), async (importOriginal) => {
  const original = await importOriginal();
  return { ...original, secretEquals: vi.fn(original.secretEquals) };
});

const devices = [
  { deviceId: "dev-a", deviceToken: "token-a-0123456789" },
  { deviceId: "dev-b", deviceToken: "token-b-0123456789" },
];
let backend: RunningOomiBackend | undefined;
afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

describe("device tokens (item 8)", () => {
  it("item 8: a device is found by its token with a constant-time comparison against every device", async () => {
    backend = await startOomiBackend({ dataFile: join(await mkdtemp(join(tmpdir(), "oomi-token-")), "store.json"), devices });
    const secretEquals = vi.mocked(pluginHost.secretEquals);
    const personas = (token: string) =>
      fetch(`${backend?.url}/v1/personas`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

    secretEquals.mockClear();
    expect(await personas("token-a-0123456789")).toBe(200);
    expect(secretEquals.mock.calls.map(([, expected]) => expected).sort()).toEqual(devices.map((d) => d.deviceToken));
    secretEquals.mockClear();
    expect(await personas("token-a-012345678")).toBe(401);
    expect(secretEquals).toHaveBeenCalledTimes(2);
  });
});
