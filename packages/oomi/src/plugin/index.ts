import { definePlugin } from "@clawbridge/plugin-host";
import pkg from "../../package.json" with { type: "json" };
import { connectBackend } from "../backend/connection.js";
import { OomiBridge } from "../bridge/bridge.js";
import { errorMessage } from "../errors.js";
import { defaultWorkspaceRoot } from "../paths.js";
import { OomiPluginConfigSchema } from "./config.js";

export const OOMI_PLUGIN_ID = "oomi";

interface IngressResult {
  payloads?: Array<{ text?: string | null }>;
  meta?: { finalAssistantVisibleText?: string };
}

/**
 * The Oomi channel bridge as an OpenClaw plugin: a service that polls the Oomi backend, executes
 * queued persona jobs, supervises running personas (30 s heartbeat), and answers Oomi chat by
 * running the agent through `runCommandFromIngress`.
 */
export default definePlugin({
  id: OOMI_PLUGIN_ID,
  name: "Oomi",
  description: "Oomi channel bridge: queued persona_job execution, persona runtime supervision, and Oomi chat both ways.",
  version: pkg.version,
  config: OomiPluginConfigSchema,
  register(api, config) {
    let bridge: OomiBridge | null = null;
    api.registerService({
      id: "oomi-bridge",
      start: async () => {
        const env = process.env;
        const client = await connectBackend(
          {
            ...(config.backendUrl ? { backendUrl: config.backendUrl } : {}),
            ...(config.deviceId ? { deviceId: config.deviceId } : {}),
            ...(config.deviceToken ? { deviceToken: config.deviceToken } : {}),
          },
          env,
        );
        const runAgent = api.runtime.agent.runCommandFromIngress as unknown as (request: Record<string, unknown>) => Promise<IngressResult>;
        bridge = new OomiBridge({
          client,
          workspaceRoot: config.workspaceRoot ?? defaultWorkspaceRoot(env),
          env,
          pollIntervalMs: config.pollIntervalMs,
          heartbeatIntervalMs: config.heartbeatIntervalMs,
          sessionKey: config.sessionKey,
          healthTimeoutMs: config.healthTimeoutMs,
          ...(config.chat
            ? {
                chat: async (message) => {
                  const result = await runAgent({
                    message: message.content ?? "",
                    agentId: config.agentId,
                    sessionKey: message.sessionKey ?? config.sessionKey,
                    senderIsOwner: false,
                    deliver: false,
                  });
                  const text = result?.meta?.finalAssistantVisibleText ?? result?.payloads?.map((p) => p.text ?? "").join("\n") ?? "";
                  return text.trim() || null;
                },
              }
            : {}),
          onEvent: (event) => {
            if (event.type === "poll_error") api.logger.warn(`oomi bridge: ${event.error}`);
            else if (event.type === "job")
              api.logger.info(
                `oomi bridge: job ${event.result.jobId} ${event.result.ok ? "succeeded" : `failed: ${event.result.error?.message}`}`,
              );
          },
        });
        bridge.start();
        api.logger.info(`oomi bridge polling ${client.baseUrl}`);
      },
      stop: async () => {
        await bridge?.stop().catch((error) => api.logger.warn(`oomi bridge stop: ${errorMessage(error)}`));
        bridge = null;
      },
    });
  },
});
