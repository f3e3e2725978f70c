/**
 * The device identity a client signs `connect` with: openclaw admits a browser page's socket with
 * scopes only when it proves a device key (an Ed25519 key pair; the device id is the hex SHA-256 of
 * the raw public key). `sign` signs the gateway's device-auth payload (see `gatewayDeviceAuthPayload`).
 */
export interface DeviceIdentity {
  readonly id: string;
  /** The raw 32-byte public key, base64url. */
  readonly publicKey: string;
  /** The base64url Ed25519 signature of `payload` (UTF-8). */
  sign(payload: string): Promise<string>;
}

/** An Ed25519 key as a JSON Web Key (`x` the public key, `d` the private one). */
export interface DeviceJwk {
  kty?: string;
  crv?: string;
  x?: string;
  d?: string;
  [member: string]: unknown;
}

export interface DeviceKeyPair {
  publicKey: DeviceJwk;
  privateKey: DeviceJwk;
}

/** Where a device key pair lives between page loads (a browser) or only for the process (Node). */
export interface DeviceKeyStore {
  load(): Promise<DeviceKeyPair | undefined>;
  save(keys: DeviceKeyPair): Promise<void>;
}

/**
 * The part of WebCrypto's `SubtleCrypto` used here, typed structurally so the SDK needs neither the
 * DOM lib nor Node's types (the browser's and Node's `crypto.subtle` both fit).
 */
export interface SubtleLike {
  generateKey(algorithm: { name: string }, extractable: boolean, usages: string[]): Promise<unknown>;
  exportKey(format: "jwk" | "raw", key: unknown): Promise<unknown>;
  importKey(format: "jwk", key: DeviceJwk, algorithm: { name: string }, extractable: boolean, usages: string[]): Promise<unknown>;
  sign(algorithm: { name: string }, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
  digest(algorithm: string, data: ArrayBuffer): Promise<ArrayBuffer>;
}

function defaultSubtle(): SubtleLike {
  const subtle = (globalThis as { crypto?: { subtle?: unknown } }).crypto?.subtle;
  if (!subtle) throw new Error("no WebCrypto (crypto.subtle) here: a device identity needs it (a secure context in a browser)");
  return subtle as SubtleLike;
}

/** The minimal `localStorage` the store needs. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const DEVICE_KEY_STORAGE_KEY = "openmeow.device-key.v1";

/**
 * A browser's store: the key pair as JWK in `localStorage`, so one browser profile is one device
 * (paired once, the same id on every reload). A stored value that is not a key pair is replaced.
 */
export function localStorageDeviceKeyStore(storage: StorageLike, key = DEVICE_KEY_STORAGE_KEY): DeviceKeyStore {
  return {
    async load() {
      try {
        const parsed = JSON.parse(storage.getItem(key) ?? "null") as Partial<DeviceKeyPair> | null;
        return parsed?.publicKey?.x && parsed.privateKey?.d ? { publicKey: parsed.publicKey, privateKey: parsed.privateKey } : undefined;
      } catch {
        return undefined;
      }
    },
    async save(keys) {
      storage.setItem(key, JSON.stringify(keys));
    },
  };
}

/** A store that keeps the key pair for as long as the object lives (one Node process). */
export function memoryDeviceKeyStore(): DeviceKeyStore {
  let kept: DeviceKeyPair | undefined;
  return {
    async load() {
      return kept;
    },
    async save(keys) {
      kept = keys;
    },
  };
}

const ED25519 = { name: "Ed25519" } as const;

function base64url(bytes: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The device identity of a key store over WebCrypto (the browser's, or Node's `globalThis.crypto`):
 * the stored key pair, or a new one saved first. `subtle` is injectable for tests.
 */
export async function loadDeviceIdentity(store: DeviceKeyStore, subtle: SubtleLike = defaultSubtle()): Promise<DeviceIdentity> {
  let jwk = await store.load();
  if (!jwk) {
    const pair = (await subtle.generateKey(ED25519, true, ["sign", "verify"])) as { publicKey: unknown; privateKey: unknown };
    jwk = {
      publicKey: (await subtle.exportKey("jwk", pair.publicKey)) as DeviceJwk,
      privateKey: (await subtle.exportKey("jwk", pair.privateKey)) as DeviceJwk,
    };
    await store.save(jwk);
  }
  const publicKey = await subtle.importKey("jwk", jwk.publicKey, ED25519, true, ["verify"]);
  const privateKey = await subtle.importKey("jwk", jwk.privateKey, ED25519, false, ["sign"]);
  const raw = (await subtle.exportKey("raw", publicKey)) as ArrayBuffer;
  return {
    id: hex(await subtle.digest("SHA-256", raw)),
    publicKey: base64url(raw),
    async sign(payload) {
      return base64url(await subtle.sign(ED25519, privateKey, new TextEncoder().encode(payload)));
    },
  };
}
