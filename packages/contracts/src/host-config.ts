import { z } from "zod";

/** The agents a local host knows, as `agents.list` reports them. `main` is the default, as on a gateway. */
export const HostAgentSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, "agent id: letters, digits, '-' and '_'"),
  name: z.string().optional(),
});
export type HostAgent = z.infer<typeof HostAgentSchema>;

/** Settings of `apps/host` and of a `LocalHost`: where to listen, how to authenticate, where state lives. */
export const HostConfigSchema = z.object({
  bind: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(18789),
  token: z.string().min(16, "token: at least 16 characters").optional(),
  stateDir: z.string().optional(),
  agents: z
    .array(HostAgentSchema)
    .min(1)
    .default([{ id: "main" }]),
  plugins: z
    .record(
      z.string(),
      z.object({
        enabled: z.boolean().default(true),
        config: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .default({}),
});
export type HostConfig = z.infer<typeof HostConfigSchema>;
export type HostConfigInput = z.input<typeof HostConfigSchema>;

/**
 * `<state-dir>/oomi-device.json`: the device the local host pairs with its embedded Oomi backend
 * (0600; the `oomi` CLI reads its token from here). Fields missing or too weak are regenerated.
 */
export const LocalOomiDeviceFileSchema = z.object({
  deviceId: z.string().min(1).optional(),
  deviceToken: z.string().optional(),
});
export type LocalOomiDeviceFile = z.infer<typeof LocalOomiDeviceFileSchema>;
