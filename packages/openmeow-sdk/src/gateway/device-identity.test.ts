import { createHash } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import diagnostics from "@clawbridge/diagnostics";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createOpenMeowSDKClient as createBrowserClient } from "../browser.js";
import { type DeviceIdentity, loadDeviceIdentity, localStorageDeviceKeyStore, memoryDeviceKeyStore } from "./device-identity.js";
import type { WebSocketConstructor } from "./protocol-client.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let host: LocalHost;

beforeAll(async () => {
  host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "om-device-")), logger: quiet, agents: ["main"] });
  await host.load(diagnostics);
  await host.start();
});
afterAll(async () => host?.stop());

/** `ws` as a browser page's socket: it sends `Origin`, as every browser does. */
const PageWebSocket = class extends WebSocket {
  constructor(url: string) {
    super(url, { headers: { Origin: "http://127.0.0.1:5173" } });
  }
} as unknown as WebSocketConstructor;

function pageClient(
  options: { device?: (() => Promise<DeviceIdentity>) | undefined; clientId?: "gateway-client"; clientMode?: "webchat" | "backend" } = {},
) {
  return createBrowserClient({
    gateway: `ws://127.0.0.1:${host.port}`,
    token: host.token,
    WebSocket: PageWebSocket,
    connectTimeoutMs: 5_000,
    ...options,
  });
}

describe("device identity", () => {
  it("is one Ed25519 key per store: the id is the SHA-256 of the raw public key, stable across loads", async () => {
    const store = memoryDeviceKeyStore();
    const first = await loadDeviceIdentity(store);
    const again = await loadDeviceIdentity(store);
    expect(again.id).toBe(first.id);
    expect(first.id).toBe(createHash("sha256").update(Buffer.from(first.publicKey, "base64url")).digest("hex"));
    expect((await loadDeviceIdentity(memoryDeviceKeyStore())).id).not.toBe(first.id);
  });

  it("a localStorage store keeps the pair as JSON and replaces a value that is not a key pair", async () => {
    const items = new Map<string, string>([["openmeow.device-key.v1", "{not json"]]);
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
    const first = await loadDeviceIdentity(localStorageDeviceKeyStore(storage));
    expect(JSON.parse(items.get("openmeow.device-key.v1") as string)).toMatchObject({ publicKey: { x: first.publicKey } });
    expect((await loadDeviceIdentity(localStorageDeviceKeyStore(storage))).id).toBe(first.id);
  });
});

describe("LocalHost holds a browser page to the gateway's device rule", () => {
  it("a page without a device identity is admitted with no scopes: its first call is missing operator.read", async () => {
    // An explicit `device: undefined` turns the browser entry's default identity off.
    const client = pageClient({ device: undefined });
    await client.connect();
    await expect(client.listAgents()).rejects.toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.read" });
    await client.close();
  });

  it("a page that signs with its device key as a web chat client gets its scopes", async () => {
    const client = pageClient();
    await client.connect();
    expect(await client.listAgents()).toMatchObject({ agents: [{ id: "main" }] });
    await client.close();
  });

  it("a signed page that is not a web chat client waits for a pairing approval (NOT_PAIRED)", async () => {
    const client = pageClient({ clientId: "gateway-client", clientMode: "backend" });
    await expect(client.connect()).rejects.toThrow(/pairing required/);
  });

  it("a signature that does not match the connect is refused", async () => {
    const real = await loadDeviceIdentity(memoryDeviceKeyStore());
    const forged: DeviceIdentity = { id: real.id, publicKey: real.publicKey, sign: (payload) => real.sign(`${payload}x`) };
    const client = pageClient({ device: async () => forged });
    await expect(client.connect()).rejects.toThrow(/device signature invalid/);
  });
});
