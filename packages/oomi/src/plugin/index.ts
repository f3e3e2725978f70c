import { definePlugin, errorMessage } from "@clawbridge/plugin-host";
import pkg from "../../package.json" with { type: "json" };
import { connectBackend } from "../backend/connection.js";
import { OomiBridge } from "../bridge/bridge.js";
import { createOomiChannel } from "../channel/channel.js";
import type { OomiChannelRuntime } from "../channel/inbound.js";
import { defaultWorkspaceRoot } from "../paths.js";
import { OomiPluginConfigSchema } from "./config.js";

export const OOMI_PLUGIN_ID = "oomi";

/**
 * The Oomi plugin: the `oomi` channel (Oomi chat in and agent replies out, through core's inbound
 * pipeline, configured under `channels.oomi`) and the persona-job service (polls queued
 * `persona_job` messages, executes them, supervises running personas with a 30 s heartbeat).
 */
export default definePlugin({
  id: OOMI_PLUGIN_ID,
  name: "Oomi",
  description: "Oomi channel: Oomi chat to agents and their replies back; queued persona_job execution and persona runtime supervision.",
  version: pkg.version,
  config: OomiPluginConfigSchema,
  register(api, config) {
    const env = process.env;
    api.registerChannel({
      plugin: createOomiChannel({ env, channelRuntime: () => api.runtime.channel as OomiChannelRuntime | undefined }),
    });
    let bridge: OomiBridge | null = null;
    api.registerService({
      id: "oomi-persona-jobs",
      start: async () => {
        const client = await connectBackend(
          {
            ...(config.backendUrl ? { backendUrl: config.backendUrl } : {}),
            ...(config.deviceId ? { deviceId: config.deviceId } : {}),
            ...(config.deviceToken ? { deviceToken: config.deviceToken } : {}),
          },
          env,
        );
        bridge = new OomiBridge({
          client,
          workspaceRoot: config.workspaceRoot ?? defaultWorkspaceRoot(env),
          env,
          pollIntervalMs: config.pollIntervalMs,
          heartbeatIntervalMs: config.heartbeatIntervalMs,
          healthTimeoutMs: config.healthTimeoutMs,
          onEvent: (event) => {
            if (event.type === "poll_error") api.logger.warn(`oomi persona jobs: ${event.error}`);
            else if (event.type === "job")
              api.logger.info(
                `oomi persona jobs: job ${event.result.jobId} ${event.result.ok ? "succeeded" : `failed: ${event.result.error?.message}`}`,
              );
          },
        });
        bridge.start();
        api.logger.info(`oomi persona jobs: polling ${client.baseUrl}`);
      },
      stop: async () => {
        await bridge?.stop().catch((error) => api.logger.warn(`oomi persona jobs stop: ${errorMessage(error)}`));
        bridge = null;
      },
    });
  },
});
