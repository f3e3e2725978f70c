import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it, vi } from "vitest";
import * as guard from "../../server-guard.js";
import { LocalHost } from "../host.js";
import { RawWebSocket } from "../wire.test-support.js";

// Wraps the real secretEquals so the test sees which comparison the connect handshake uses.
vi.mock("../../server-guard.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../server-guard.js")>();
  return { ...actual, secretEquals: vi.fn(actual.secretEquals) };
});

const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() };
let host: LocalHost | undefined;
let socket: RawWebSocket | undefined;

afterEach(async () => {
  socket?.destroy();
  await host?.stop();
});

async function connectWith(auth: Record<string, string>): Promise<any> {
  socket?.destroy();
  socket = await RawWebSocket.open((host as LocalHost).port);
  const client = { id: "test", version: "1", platform: "test", mode: "test" };
  socket.sendText(JSON.stringify({ type: "req", id: "c1", method: "connect", params: { minProtocol: 4, maxProtocol: 4, client, auth } }));
  const raw = socket;
  return raw.until(() => raw.json().find((f) => f.id === "c1"), "connect answer");
}

it("item 8: the Gateway connect checks the token or password with the constant-time secretEquals", async () => {
  host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "gw-auth-")), logger: quiet, token: "the-host-token-0123" });
  await host.start();
  const compare = vi.mocked(guard.secretEquals);
  compare.mockClear();

  expect((await connectWith({ token: "the-host-token-0123" })).ok).toBe(true);
  expect(compare).toHaveBeenCalledWith("the-host-token-0123", "the-host-token-0123");

  compare.mockClear();
  const wrong = await connectWith({ token: "the-host-token-012" });
  expect(wrong).toMatchObject({ ok: false, error: { message: "unauthorized: gateway token or password mismatch" } });
  expect(JSON.stringify(wrong)).not.toContain("the-host-token");
  expect(compare).toHaveBeenCalledWith("the-host-token-012", "the-host-token-0123");

  expect((await connectWith({ password: "the-host-token-0123" })).ok).toBe(true);
});
