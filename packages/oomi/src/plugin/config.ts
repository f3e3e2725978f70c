import { z } from "zod";

/**
 * `plugins.entries.oomi.config`: the persona-job service (backend, workspaces, intervals). Missing
 * credentials come from the paired bridge state. Chat is the `oomi` channel's, under `channels.oomi`.
 */
export const OomiPluginConfigSchema = z.strictObject({
  backendUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Oomi backend (default: the paired brokerHttp)"),
  deviceId: z.string().min(1).optional().describe("Device id (default: the paired device)"),
  deviceToken: z.string().min(1).optional().describe("Device token (default: the paired device); a secret"),
  workspaceRoot: z.string().min(1).optional().describe("Persona workspaces (default: ~/.openclaw/workspace/personas)"),
  pollIntervalMs: z.number().int().min(100).max(600_000).default(2_000),
  heartbeatIntervalMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
  healthTimeoutMs: z.number().int().min(1_000).max(600_000).default(45_000),
});
export type OomiPluginConfig = z.output<typeof OomiPluginConfigSchema>;
