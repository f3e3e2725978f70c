import { createHash, createPublicKey, verify } from "node:crypto";
import { type GatewayConnectParams, gatewayDeviceAuthPayload } from "@clawbridge/contracts";

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo: what precedes the 32 raw key bytes. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** The client ids the gateway treats as its own browser UIs (silently paired on loopback). */
const BROWSER_UI_CLIENT_IDS: ReadonlySet<string> = new Set(["webchat-ui", "openclaw-control-ui"]);

export type DeviceAdmission =
  /** The socket keeps the scopes it asked for. */
  | { kind: "granted" }
  /** Admitted, but with no scopes: every scoped method then fails with `missing scope`. */
  | { kind: "no-scopes" }
  | { kind: "refused"; code: "INVALID_REQUEST" | "NOT_PAIRED"; message: string; details: Record<string, unknown> };

function verifySignature(publicKey: string, payload: string, signature: string): boolean {
  const raw = Buffer.from(publicKey, "base64url");
  if (raw.length !== 32) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
    return verify(null, Buffer.from(payload, "utf8"), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

/**
 * The gateway's device rule, for the clients LocalHost sees: a signed device identity must match its
 * key, the challenge nonce and the connect it signs (or the socket is refused); a browser page (it
 * sends `Origin`) without one is admitted with no scopes (`missing scope: operator.read` on its first
 * call), and a signed browser page is paired silently on loopback only when it is a web chat or
 * Control UI client, as openclaw does; any other browser client waits for a pairing approval
 * LocalHost never gives. Pure apart from the signature check.
 */
export function admitDevice(params: GatewayConnectParams, context: { nonce: string; browser: boolean }): DeviceAdmission {
  const { device } = params;
  if (!device) return context.browser ? { kind: "no-scopes" } : { kind: "granted" };
  const refuse = (code: string, message: string): DeviceAdmission => ({
    kind: "refused",
    code: "INVALID_REQUEST",
    message,
    details: { code },
  });
  const raw = Buffer.from(device.publicKey, "base64url");
  if (raw.length !== 32) return refuse("DEVICE_AUTH_PUBLIC_KEY_INVALID", "device public key is not a raw Ed25519 key (base64url)");
  if (createHash("sha256").update(raw).digest("hex") !== device.id)
    return refuse("DEVICE_AUTH_DEVICE_ID_MISMATCH", "device identity mismatch: id is not the key's fingerprint");
  if (device.nonce !== context.nonce)
    return refuse("DEVICE_AUTH_NONCE_MISMATCH", "device nonce mismatch: sign the connect.challenge nonce");
  const payload = gatewayDeviceAuthPayload({
    deviceId: device.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: params.role ?? "operator",
    scopes: params.scopes ?? [],
    signedAtMs: device.signedAt,
    token: params.auth?.token ?? params.auth?.deviceToken ?? params.auth?.bootstrapToken,
    nonce: device.nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  });
  if (!verifySignature(device.publicKey, payload, device.signature))
    return refuse("DEVICE_AUTH_SIGNATURE_INVALID", "device signature invalid");
  const browserUi = params.client.mode === "webchat" || BROWSER_UI_CLIENT_IDS.has(params.client.id);
  if (context.browser && !browserUi) {
    return {
      kind: "refused",
      code: "NOT_PAIRED",
      message: "pairing required: device is not approved yet",
      details: { code: "PAIRING_REQUIRED", reason: "not-paired", deviceId: device.id, requestedRole: params.role ?? "operator" },
    };
  }
  return { kind: "granted" };
}
