import { z } from "zod";
import { isPrototypeKey } from "./record-id.js";

/** The agents a local host knows, as `agents.list` reports them. `main` is the default, as on a gateway. */
export const HostAgentSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, "agent id: letters, digits, '-' and '_'")
    .refine((id) => !isPrototypeKey(id) && !isPrototypeKey(id.toLowerCase()), "agent id: a reserved name (an Object.prototype key)"),
  name: z.string().optional(),
});

/**
 * A plugin route path exactly as the plugin registers it (`/clawhip/event`): a `/` and RFC 3986 path
 * characters, no `%` escapes (a route is matched on the decoded-free path the host sees).
 */
export const HostRoutePathSchema = z
  .string()
  .max(256)
  .regex(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/, "route path: '/' then letters, digits and RFC 3986 path characters");
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
  /**
   * `auth: "plugin"` routes served without the host token, because the plugin checks its own
   * credential (e.g. clawhip's `token`). Every other plugin route needs the host token.
   */
  publicRoutes: z.array(HostRoutePathSchema).default([]),
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

const ServerPortSchema = z.number().int().min(1).max(65535);

/**
 * `<state-dir>/ports.json`: the port each local server of `apps/host` listened on last time, so a
 * restart serves the same URLs. A port found taken on start is replaced by a free one, saved here.
 */
export const HostServerPortsFileSchema = z.object({
  kichiWorld: ServerPortSchema.optional(),
  oomiBackend: ServerPortSchema.optional(),
  openmeowWeb: ServerPortSchema.optional(),
  demoModel: ServerPortSchema.optional(),
});
export type HostServerPortsFile = z.infer<typeof HostServerPortsFileSchema>;
export type HostServerName = keyof HostServerPortsFile;
