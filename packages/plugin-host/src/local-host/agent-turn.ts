import { randomUUID } from "node:crypto";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import type { IngressAuthority } from "../channel-registration.js";
import type { HookName, PluginRegistrations } from "../plugin-types.js";
import { errorMessage } from "../tool-result.js";
import type { AgentRunner } from "./agent.js";
import { resolveInvocationTarget } from "./session.js";

export interface AgentCommandRequest extends IngressAuthority {
  message: string;
  agentId?: string;
  sessionKey?: string;
  extraSystemPrompt?: string;
}

/** Runs every handler of a typed hook in priority order; a failing handler is logged, not fatal. */
export async function runHooks(
  plugins: readonly { registrations: Pick<PluginRegistrations, "hooks">; logger: PluginLogger }[],
  name: HookName,
  event: unknown,
  ctx: unknown,
): Promise<unknown[]> {
  const handlers = plugins
    .flatMap((p) => p.registrations.hooks.filter((h) => h.name === name).map((h) => ({ ...h, logger: p.logger })))
    .sort((a, b) => b.priority - a.priority);
  const results: unknown[] = [];
  for (const hook of handlers) {
    try {
      const result = await hook.handler(event, ctx);
      if (result !== undefined) results.push(result);
    } catch (error) {
      hook.logger.error(`hook ${name} failed: ${errorMessage(error)}`);
    }
  }
  return results;
}

export interface AgentTurnDeps {
  /** The agent ids the host knows; the first is the default. */
  agents: readonly string[];
  agent: AgentRunner;
  runHook: (name: HookName, event: unknown, ctx: unknown) => Promise<unknown[]>;
}

/**
 * One agent turn, as `runtime.agent.runCommandFromIngress` runs it: `before_prompt_build` hooks
 * contribute context, `model_call_started` hooks see the (one) model call begin, the agent answers,
 * `agent_end` hooks see the outcome. Like OpenClaw's, the hooks' context and events carry the run id.
 */
export async function runAgentTurn(request: AgentCommandRequest, deps: AgentTurnDeps) {
  const { runHook } = deps;
  const target = resolveInvocationTarget(request, deps.agents, deps.agents[0]);
  if (!target.ok) throw new Error(target.message);
  const runId = randomUUID();
  const ctx = { runId, agentId: target.agentId, sessionKey: target.sessionKey, trigger: "user" };
  const started = Date.now();
  const contributions = (await runHook(
    "before_prompt_build",
    { prompt: request.message, currentUserMessage: request.message, messages: [] },
    ctx,
  )) as Array<{ prependContext?: string; appendContext?: string }>;
  const context = [
    ...contributions.flatMap((c) => [c.prependContext, c.appendContext].filter((x): x is string => !!x)),
    ...(request.extraSystemPrompt ? [request.extraSystemPrompt] : []),
  ];
  try {
    await runHook(
      "model_call_started",
      { runId, callId: `${runId}:0`, sessionKey: target.sessionKey, provider: "localhost", model: "local-agent" },
      ctx,
    );
    const reply = await deps.agent({ message: request.message, agentId: target.agentId, sessionKey: target.sessionKey, context });
    const durationMs = Date.now() - started;
    const messages = [
      { role: "user", content: request.message },
      { role: "assistant", content: reply.text },
    ];
    await runHook("agent_end", { runId, messages, success: true, durationMs }, ctx);
    return {
      payloads: [{ text: reply.text, mediaUrl: null }],
      meta: { durationMs, finalAssistantVisibleText: reply.text },
    };
  } catch (error) {
    await runHook("agent_end", { runId, messages: [], success: false, error: errorMessage(error), durationMs: Date.now() - started }, ctx);
    throw error;
  }
}
