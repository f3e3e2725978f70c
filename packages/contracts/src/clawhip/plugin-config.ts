import { z } from "zod";

/** `plugins.entries.clawhip.config` of the OpenClaw plugin. */
export const ClawhipPluginConfigSchema = z.strictObject({
  /** Path of a clawhip.toml; routes, defaults, delivery and providers come from it. */
  configPath: z.string().min(1).optional(),
  /** Inline clawhip config (the TOML's tables as JSON); used when configPath is not set. */
  config: z.record(z.string(), z.unknown()).optional(),
  /** Path prefix of the ingress routes on the gateway, e.g. "/clawhip" → "/clawhip/event". */
  routePrefix: z
    .string()
    .regex(/^(\/[a-z0-9-]+)*$/, "routePrefix: '' or '/segment'")
    .default("/clawhip"),
  /**
   * Who authenticates the ingress routes: "gateway" (the default: the gateway's own bearer token) or
   * "plugin" (clawhip checks `[daemon].token`, so hooks need no gateway credentials; without a token every
   * event is refused). Either way no route is open to whoever reaches the gateway's port.
   */
  routeAuth: z.enum(["plugin", "gateway"]).default("gateway"),
  /** Emit session.* events from OpenClaw's own session_start / agent_end hooks. */
  emitLifecycle: z.boolean().default(true),
});
export type ClawhipPluginConfig = z.infer<typeof ClawhipPluginConfigSchema>;
