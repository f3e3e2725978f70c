/** One agent turn as the local host runs it for `runtime.agent.runCommandFromIngress`. */
export interface AgentTurnRequest {
  message: string;
  agentId: string;
  sessionKey: string;
  /** Context prepended by `before_prompt_build` hooks, then the caller's extra system prompt. */
  context: string[];
}

export interface AgentTurnReply {
  text: string;
}

/** The model behind the local host. Deterministic by default so tests and demos need no key. */
export type AgentRunner = (request: AgentTurnRequest) => Promise<AgentTurnReply> | AgentTurnReply;

export interface ScriptRule {
  match: RegExp;
  reply: string | ((match: RegExpExecArray, request: AgentTurnRequest) => string);
}

/**
 * A scripted agent: the first rule whose pattern matches the message answers; otherwise it
 * acknowledges the first few words of the message, so every reply is short and predictable.
 */
export function scriptedAgent(rules: readonly ScriptRule[] = []): AgentRunner {
  return (request) => {
    for (const rule of rules) {
      const match = rule.match.exec(request.message);
      if (match) return { text: typeof rule.reply === "string" ? rule.reply : rule.reply(match, request) };
    }
    const words = request.message.trim().split(/\s+/).filter(Boolean).slice(0, 3);
    return { text: words.length > 0 ? `Noted: ${words.join(" ")}` : "Noted." };
  };
}
