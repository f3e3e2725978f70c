import type { AgentLocator } from "@clawbridge/plugin-host";
import type { OpenClawPluginApi } from "openclaw/plugin-sdk/plugin-entry";
import type { KichiAgentRuntime } from "../runtime/agent-runtime.js";
import type { KichiRuntimes } from "../runtime/runtimes.js";
import { FIXED_HOOK_STATUSES, MESSAGE_RECEIVED_PREVIEW_WIDTH, SEND_MESSAGE_PREVIEW_WIDTH } from "./fixed-statuses.js";
import { buildKichiPrompt } from "./kichi-prompt.js";
import { lastAssistantText, previewText } from "./preview.js";

interface HookContext extends AgentLocator {
  trigger?: string;
  ctxAgentId?: string;
}

function locatorOf(ctx: unknown): HookContext {
  const c = (ctx ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  return {
    agentId: text(c.agentId) ?? text(c.ctxAgentId),
    sessionKey: text(c.sessionKey),
    ...(text(c.trigger) ? { trigger: text(c.trigger) } : {}),
  };
}

const isHeartbeat = (ctx: HookContext) => ctx.trigger === "heartbeat";

/** The inbound text of a dispatched message, whatever field the channel put it in. */
function inboundText(event: unknown): string {
  const e = (event ?? {}) as Record<string, unknown>;
  for (const key of ["content", "body", "text", "message", "prompt"]) {
    const value = e[key];
    if (typeof value === "string" && value.trim()) return value;
  }
  return "";
}

/**
 * The hooks that mirror the agent's work in the room. They only touch agents whose runtime exists
 * (hooks never open sockets) and never fail a turn: a closed socket just skips the status.
 */
export function registerStatusHooks(api: OpenClawPluginApi, runtimes: () => KichiRuntimes): void {
  const runtimeOf = (ctx: HookContext): KichiAgentRuntime | undefined => runtimes().existing(ctx);

  // before_dispatch carries no agent id; the session key (on the context or the event) names the agent.
  api.on("before_dispatch", (event, ctx) => {
    const locator = locatorOf(ctx);
    const runtime = runtimeOf(locator.sessionKey ? locator : { ...locator, sessionKey: locatorOf(event).sessionKey });
    if (!runtime) return;
    void runtime.recordMessageReceived();
    const text = inboundText(event);
    if (text) runtime.notify("message_received", previewText(text, MESSAGE_RECEIVED_PREVIEW_WIDTH));
  });

  api.on("before_prompt_build", (_event, ctx) => {
    const locator = locatorOf(ctx);
    const runtime = runtimeOf(locator);
    if (!runtime) return;
    // System context, not user context: the rules hold for the whole turn and are not quoted back as the user's words.
    if (runtime.llmRuntimeEnabled && !isHeartbeat(locator)) return { prependSystemContext: buildKichiPrompt() };
    runtime.sendHookStatus(FIXED_HOOK_STATUSES.beforePromptBuild);
    return;
  });

  api.on("before_tool_call", (_event, ctx) => {
    const runtime = runtimeOf(locatorOf(ctx));
    if (runtime && !runtime.llmRuntimeEnabled) runtime.sendHookStatus(FIXED_HOOK_STATUSES.beforeToolCall);
  });

  api.on("agent_end", (event, ctx) => {
    const locator = locatorOf(ctx);
    const runtime = runtimeOf(locator);
    if (!runtime || isHeartbeat(locator)) return;
    const { success, messages } = (event ?? {}) as { success?: boolean; messages?: unknown[] };
    if (success) {
      const preview = previewText(lastAssistantText(messages ?? []), SEND_MESSAGE_PREVIEW_WIDTH);
      if (preview) runtime.notify("before_send_message", preview);
    }
    if (!runtime.llmRuntimeEnabled) {
      runtime.sendHookStatus(success ? FIXED_HOOK_STATUSES.agentEndSuccess : FIXED_HOOK_STATUSES.agentEndFailure);
    }
  });
}
