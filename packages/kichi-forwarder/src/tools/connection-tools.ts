import { KICHI_ENVIRONMENTS, KichiJoinParamsSchema, KichiNoParamsSchema, KichiSwitchHostParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { normalizeTags } from "../validate/join.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

export function kichiJoinTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_join",
    label: "Kichi: join the room",
    description:
      "Join Kichi World as this agent's avatar in the given environment (test needs host). If you are joined on another host, or as another avatar, you leave there first and switch. Saves the auth key (never shown) so later calls and reconnects rejoin on their own. avatarId defaults to the one saved for that host.",
    params: KichiJoinParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const tags = normalizeTags(params.tags);
        if (!tags.ok) return rejected(tags);
        const joined = await runtime.join({ ...params, tags: tags.value });
        return { success: true, ...joined, tags: tags.value };
      }),
  });
}

export function kichiSwitchHostTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_switch_host",
    label: "Kichi: switch environment",
    description: `Switch this agent's Kichi environment (${KICHI_ENVIRONMENTS.join(", ")}) and reconnect at once, without a gateway restart. The test environment needs host ("host[:port]", e.g. 127.0.0.1:48870). Each host keeps its own identity.`,
    params: KichiSwitchHostParamsSchema,
    execute: ({ environment, host }) =>
      withRuntime(deps, ctx, async (runtime) => {
        const switched = await runtime.switchHost(environment, host);
        if (!switched.ok) return rejected(switched);
        const status = runtime.connectionStatus();
        return {
          success: true,
          environment,
          host: switched.value.host,
          wsUrl: switched.value.wsUrl,
          hasIdentity: status.hasIdentity,
          hasAuthKey: status.hasAuthKey,
        };
      }),
  });
}

export function kichiRejoinTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_rejoin",
    label: "Kichi: rejoin",
    description: "Rejoin Kichi World with the saved auth key (sent now if connected, else as soon as the socket opens).",
    params: KichiNoParamsSchema,
    execute: () =>
      withRuntime(deps, ctx, async (runtime) => {
        const result = await runtime.requestRejoin();
        return { success: result.accepted, ...result, ...(result.accepted ? {} : { error: result.message }) };
      }),
  });
}

export function kichiLeaveTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_leave",
    label: "Kichi: leave the room",
    description: "Leave Kichi World. The auth key is cleared; the avatar id is kept for the next kichi_join.",
    params: KichiNoParamsSchema,
    execute: () =>
      withRuntime(deps, ctx, async (runtime) => {
        await runtime.leave();
        return { success: true };
      }),
  });
}

export function kichiConnectionStatusTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_connection_status",
    label: "Kichi: connection status",
    description: "Report this agent's Kichi connection: host, websocket state, identity, pending requests, reconnect.",
    params: KichiNoParamsSchema,
    execute: () => withRuntime(deps, ctx, async (runtime) => ({ success: true, status: runtime.connectionStatus() })),
  });
}
