// Lifecycle hooks that watch every agent turn start and finish.
import type {
  AgentLifecycleHookDeps,
  AgentTurnFinishedEvent,
  AgentTurnFinishedHook,
  AgentTurnStartedEvent,
  AgentTurnStartedHook,
  AgentTurnStatus,
} from "@rome-os/app-runtime";

export function turnMeter(deps: AgentLifecycleHookDeps): AgentTurnStartedHook & AgentTurnFinishedHook {
  const started = new Map<string, string>();
  return {
    onAgentTurnStarted(event: AgentTurnStartedEvent) {
      started.set(event.turn.turnId, event.timing.startedAt);
      deps.logger.info("turn started", {
        agent: event.turn.agentName,
        prompt: event.input.promptLength,
        channel: event.turn.threadContext?.channel,
      });
    },
    async onAgentTurnFinished(event: AgentTurnFinishedEvent) {
      const status: AgentTurnStatus = event.status;
      deps.logger.info("turn finished", {
        app: deps.appId,
        status,
        ms: event.timing.durationMs,
        tools: event.metrics.toolCallCount,
        text: event.output.state === "final" ? event.output.text : "",
        tokens: event.output.accounting?.usage.outputTokens,
        parent: event.turn.parent?.agentName,
        version: event.version,
      });
      if (deps.agentRunner && status === "error") await deps.agentRunner.hasAgent?.("main");
    },
  };
}
