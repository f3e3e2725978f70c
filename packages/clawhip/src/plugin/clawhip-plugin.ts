import { type ClawhipConfig, ClawhipPluginConfigSchema } from "@clawbridge/contracts";
import { agentIdFromSessionKey, definePlugin, pluginStateDir } from "@clawbridge/plugin-host";
import { createIngressHandler, HEALTH_PATH, INGRESS_PATHS } from "../ingress/http-handler.js";
import { loadConfigFile, parseConfigObject } from "../route/config-file.js";
import { type DeliveryRuntime, startDeliveryRuntime } from "../runtime/delivery-runtime.js";
import { type RunningSources, startSources } from "../sources/start-sources.js";
import { VERSION } from "../version.js";
import { agentEndEvent, type LifecycleContext, runStartedEvent } from "./lifecycle-events.js";
import { runtimeSlot } from "./runtime-slot.js";

export const PLUGIN_ID = "clawhip";
/**
 * How long a lifecycle hook waits for the delivery service to run: a run can end while the
 * gateway is still starting services.
 */
const RUNTIME_WAIT_MS = 30_000;

interface HookContext {
  agentId?: string;
  sessionKey?: string;
  sessionId?: string;
}

function lifecycleContext(ctx: HookContext | undefined, event: { sessionKey?: string; sessionId?: string } = {}): LifecycleContext {
  const sessionKey = event.sessionKey ?? ctx?.sessionKey;
  return {
    agentId: agentIdFromSessionKey(sessionKey) ?? (ctx?.agentId?.trim().toLowerCase() || undefined),
    sessionKey,
    sessionId: event.sessionId ?? ctx?.sessionId,
  };
}

/**
 * The clawhip OpenClaw plugin: serves the ingress routes on the gateway's HTTP server (under
 * `routePrefix`), runs durable delivery and the configured monitors and cron jobs as a service, and
 * turns each OpenClaw agent run into
 * canonical session.* events (started at its first model call, finished or failed at its end) so
 * OpenClaw runs are routed like OMC/OMX sessions.
 */
export default definePlugin({
  id: PLUGIN_ID,
  name: "clawhip",
  description: "clawhip: normalize OMC/OMX/native session events, route and render them, deliver to Discord and Slack durably.",
  version: VERSION,
  config: ClawhipPluginConfigSchema,
  register(api, settings) {
    // Shared with the plugin's other registrations in this process (see runtime-slot.ts).
    const slot = runtimeSlot(JSON.stringify(settings));
    const log = (level: "info" | "warn" | "error", message: string) => api.logger[level](message);
    const handler = createIngressHandler({
      runtime: () => slot.current(),
      prefix: settings.routePrefix,
      requireToken: settings.routeAuth === "plugin",
      log: (m) => log("error", m),
    });
    for (const path of [...INGRESS_PATHS.keys(), HEALTH_PATH]) {
      api.registerHttpRoute({ path: `${settings.routePrefix}${path}`, auth: settings.routeAuth, match: "exact", handler });
    }

    let started: DeliveryRuntime | undefined;
    let sources: RunningSources | undefined;
    api.registerService({
      id: "clawhip-delivery",
      async start(ctx) {
        const loaded = settings.configPath ? await loadConfigFile(settings.configPath) : parseConfigObject(settings.config ?? {});
        if (!loaded.ok) throw new Error(loaded.error);
        const config: ClawhipConfig = loaded.config;
        const discordToken = process.env.CLAWHIP_DISCORD_BOT_TOKEN ?? process.env.DISCORD_TOKEN;
        const githubToken = process.env.CLAWHIP_GITHUB_TOKEN?.trim() || undefined;
        const stateDir = pluginStateDir(ctx.stateDir, PLUGIN_ID);
        const runtime = await startDeliveryRuntime({ config, stateDir, log, ...(discordToken ? { discordToken } : {}) });
        try {
          // [monitors] and [cron] run here as in `clawhip serve`; the update checker and the tmux
          // registration API (`clawhip tmux watch`) are the daemon's.
          sources = await startSources({ config, stateDir, runtime, log, ...(githubToken ? { githubToken } : {}) });
        } catch (error) {
          await runtime.stop();
          throw error;
        }
        slot.set(runtime);
        started = runtime;
        log("info", `clawhip ${VERSION} serving ${settings.routePrefix}/event with ${config.routes.length} route(s)`);
        if (config.update.enabled) log("warn", "[update] is not run inside the gateway: the update checker is clawhip serve's");
        if (settings.routeAuth === "plugin" && config.daemon.token === undefined) {
          log("warn", `routeAuth "plugin" without [daemon].token: ${settings.routePrefix}/* refuses every event until a token is set`);
        }
      },
      async stop() {
        await sources?.close();
        sources = undefined;
        if (!started) return;
        slot.clear(started);
        await started.stop();
        started = undefined;
      },
    });

    if (!settings.emitLifecycle) return;
    const emit = async (event: Parameters<DeliveryRuntime["acceptEvent"]>[0]) => {
      const runtime = await slot.whenRunning(RUNTIME_WAIT_MS);
      if (!runtime) {
        log("warn", `lifecycle event ${event.kind} dropped: the clawhip-delivery service is not running`);
        return;
      }
      const reply = await runtime.acceptEvent(event);
      if (reply.status !== 202) log("warn", `lifecycle event ${event.kind} not accepted: ${JSON.stringify(reply.body)}`);
    };
    // Every model call of a run reports here; the run id makes one event id, so the first counts.
    api.on("model_call_started", async (event, ctx) => {
      await emit(runStartedEvent(lifecycleContext(ctx, event), event.runId));
    });
    api.on("agent_end", async (event, ctx) => {
      await emit(
        agentEndEvent(lifecycleContext(ctx), {
          success: event.success,
          ...(event.error !== undefined ? { error: event.error } : {}),
          ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
          ...(event.runId !== undefined ? { runId: event.runId } : {}),
        }),
      );
    });
  },
});
