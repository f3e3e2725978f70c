import * as z from "zod";

export const GatewayConnectChallengeSchema = z.looseObject({
  nonce: z.string(),
  ts: z.number(),
});
export type GatewayConnectChallenge = z.infer<typeof GatewayConnectChallengeSchema>;

export const GatewayClientIdSchema = z.enum([
  "webchat-ui",
  "openclaw-control-ui",
  "openclaw-browser-copilot",
  "openclaw-tui",
  "webchat",
  "cli",
  "gateway-client",
  "openclaw-macos",
  "openclaw-linux",
  "openclaw-ios",
  "openclaw-watchos",
  "openclaw-android",
  "node-host",
  "openclaw-worker",
  "test",
  "fingerprint",
  "openclaw-probe",
]);

export const GatewayClientModeSchema = z.enum(["webchat", "cli", "ui", "backend", "node", "worker", "probe", "test"]);

/** Operator scopes; `operator.admin` implies every other, `operator.write` implies `operator.read`. */
export const GatewayScopeSchema = z.string().min(1);

export const GatewayConnectAuthSchema = z.object({
  token: z.string().optional(),
  password: z.string().optional(),
  deviceToken: z.string().optional(),
  bootstrapToken: z.string().optional(),
});

/**
 * The signed device identity of `connect` (the gateway's `device`): `id` is the hex SHA-256 of the raw
 * Ed25519 public key, `publicKey` that key in base64url, `signature` the base64url Ed25519 signature of
 * `gatewayDeviceAuthPayload(...)`, `signedAt` the challenge's `ts` and `nonce` the challenge's nonce.
 */
export const GatewayDeviceIdentitySchema = z.object({
  id: z.string().min(1),
  publicKey: z.string().min(1),
  signature: z.string().min(1),
  signedAt: z.number().int().min(0),
  nonce: z.string().min(1),
});
export type GatewayDeviceIdentity = z.infer<typeof GatewayDeviceIdentitySchema>;

/** What a device signs for `connect`: the gateway's v3 payload (`v3|device|client|mode|role|scopes|signedAt|token|nonce|platform|family`). */
export interface GatewayDeviceAuthPayloadInput {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  /** The shared token (or device/bootstrap token) the connect carries; empty when none. */
  token?: string | undefined;
  nonce: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

/** Lower-cases ASCII only, as the gateway does, so a signature does not depend on the locale. */
const asciiLower = (value: string | undefined): string => (value ?? "").trim().replace(/[A-Z]/g, (c) => c.toLowerCase());

/** The exact string a device signs (and a gateway verifies) for `connect`. Pure. */
export function gatewayDeviceAuthPayload(input: GatewayDeviceAuthPayloadInput): string {
  return [
    "v3",
    input.deviceId,
    input.clientId,
    input.clientMode,
    input.role,
    input.scopes.join(","),
    String(input.signedAtMs),
    input.token ?? "",
    input.nonce,
    asciiLower(input.platform),
    asciiLower(input.deviceFamily),
  ].join("|");
}

export const GatewayConnectParamsSchema = z.looseObject({
  minProtocol: z.number().int(),
  maxProtocol: z.number().int(),
  client: z.looseObject({
    id: GatewayClientIdSchema,
    version: z.string(),
    platform: z.string(),
    mode: GatewayClientModeSchema,
    deviceFamily: z.string().optional(),
    displayName: z.string().optional(),
    instanceId: z.string().optional(),
  }),
  role: z.string().optional(),
  scopes: z.array(GatewayScopeSchema).optional(),
  caps: z.array(z.string()).optional(),
  auth: GatewayConnectAuthSchema.optional(),
  device: GatewayDeviceIdentitySchema.optional(),
});
export type GatewayConnectParams = z.infer<typeof GatewayConnectParamsSchema>;

export const GatewayHelloOkSchema = z.looseObject({
  type: z.literal("hello-ok"),
  protocol: z.number().int(),
  server: z.looseObject({ version: z.string(), connId: z.union([z.string(), z.number()]).optional() }),
  features: z.looseObject({ methods: z.array(z.string()), events: z.array(z.string()) }),
  snapshot: z.unknown().optional(),
  auth: z.looseObject({ role: z.string().optional(), scopes: z.array(z.string()).optional() }).optional(),
  policy: z.looseObject({ maxPayload: z.number().optional(), tickIntervalMs: z.number().optional() }).optional(),
});
export type GatewayHelloOk = z.infer<typeof GatewayHelloOkSchema>;
