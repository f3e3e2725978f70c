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

export const GatewayConnectParamsSchema = z.looseObject({
  minProtocol: z.number().int(),
  maxProtocol: z.number().int(),
  client: z.looseObject({
    id: GatewayClientIdSchema,
    version: z.string(),
    platform: z.string(),
    mode: GatewayClientModeSchema,
    displayName: z.string().optional(),
    instanceId: z.string().optional(),
  }),
  role: z.string().optional(),
  scopes: z.array(GatewayScopeSchema).optional(),
  caps: z.array(z.string()).optional(),
  auth: GatewayConnectAuthSchema.optional(),
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
