// A scripted agent runner for tests: answers every prompt, and can fork a session.
import type { AgentMessage, AgentRunnerInterface, ForkRunParams, RunParams } from "@rome-os/app-runtime";

async function* reply(turnId: string, sessionId: string, prompt: string): AsyncIterable<AgentMessage> {
  yield { type: "turn_start", turnId, sessionId, userPrompt: prompt };
  yield { type: "session_init", sessionId, userPrompt: prompt, turnId };
  yield { type: "thinking", content: "short answer" };
  yield { type: "text_delta", content: "Hel" };
  yield { type: "text", content: "Hello" };
  yield {
    type: "result",
    content: "Hello",
    accounting: {
      provider: "scripted",
      model: "echo-1",
      usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      context: { usedTokens: 4, windowTokens: 8000, remainingTokens: 7996 },
      rawUsage: { prompt_tokens: 3 },
      numTurns: 1,
      durationMs: 5,
    },
  };
  yield { type: "structured_output", payload: { greeting: "Hello" } };
  yield { type: "turn_end", turnId, status: "completed", durationMs: 6 };
}

export const scripted: AgentRunnerInterface = {
  run: (params: RunParams) => reply("t1", params.sessionId ?? "s1", params.prompt),
  runForked: (params: ForkRunParams) => reply("t2", `${params.sourceSessionId}-fork`, params.prompt),
  hasAgent: (name) => name === "main",
  hasAction: async (_agent, action) => action.startsWith("notes_"),
};
