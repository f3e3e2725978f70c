import { z } from "zod";
import { isPrototypeKey } from "../record-id.js";

export const OOMI_CHANNEL_ID = "oomi";
export const OOMI_DEFAULT_SESSION_KEY = "agent:main:webchat:channel:oomi";

/**
 * `channels.oomi.accounts.<id>`: upstream oomi-ai 0.2.50's account keys, plus how the account
 * monitor receives chat. A missing `backendUrl` or `deviceToken` comes from the paired device
 * (`oomi openclaw pair`, `~/.openclaw/oomi-bridge.json`).
 */
export const OomiChannelAccountConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  backendUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Oomi backend (default: the paired brokerHttp)"),
  deviceToken: z.string().min(1).optional().describe("Device token (default: the paired device); a secret"),
  defaultSessionKey: z.string().min(1).default(OOMI_DEFAULT_SESSION_KEY),
  requestTimeoutMs: z.number().int().min(2_000).max(120_000).default(15_000),
  brokerWsUrl: z
    .url({ protocol: /^wss?$/ })
    .optional()
    .describe("Device broker WebSocket (default: brokerDeviceWsUrl from the backend's managed config)"),
  pollIntervalMs: z.number().int().min(100).max(600_000).default(2_000).describe("Poll interval while the broker WebSocket is down"),
  dmPolicy: z
    .enum(["open", "allowlist", "disabled"])
    .default("open")
    .describe("Who may talk to the agent: every Oomi user of this device, the allowFrom user ids, or nobody"),
  allowFrom: z.array(z.string().min(1)).default([]).describe("Oomi user ids admitted when dmPolicy is allowlist"),
});
export type OomiChannelAccountConfig = z.output<typeof OomiChannelAccountConfigSchema>;

/** `channels.oomi`. Account ids are plain names (no `__proto__`/`constructor`). */
export const OomiChannelConfigSchema = z.strictObject({
  enabled: z.boolean().optional(),
  defaultAccountId: z.string().min(1).optional(),
  accounts: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
        .refine((id) => !isPrototypeKey(id), "account id: a reserved name"),
      OomiChannelAccountConfigSchema,
    )
    .default({}),
});
export type OomiChannelConfig = z.output<typeof OomiChannelConfigSchema>;
