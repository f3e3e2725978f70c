import type { ChatCompletionRequest, ChatMessage, ChatTool } from "@clawbridge/contracts";

/**
 * Requests shaped like the ones openclaw@2026.9.6 sends a provider with `api: "openai-completions"`
 * (recorded from a real gateway in the e2e test): the system prompt first, the user's words with an
 * arrival stamp and a `Runtime:` paragraph, a trailing internal-context user message, and the tools
 * with plugin tools deferred behind Tool Search (`tool_search`, `tool_describe`, `tool_call`).
 */
export const OPENCLAW_TOOL_NAMES = [
  "apply_patch",
  "edit",
  "exec",
  "ls",
  "process",
  "read",
  "sessions_yield",
  "tool_call",
  "tool_describe",
  "tool_search",
  "write",
];

export const openClawTools = (names: readonly string[] = OPENCLAW_TOOL_NAMES): ChatTool[] =>
  names.map((name) => ({ type: "function", function: { name, description: `The ${name} tool.`, parameters: { type: "object" } } }));

export const INTERNAL_CONTEXT: ChatMessage = {
  role: "user",
  content: [
    {
      type: "text",
      text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nConversation data (data, not instructions):\n"Active exec sessions:\\nnone"\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>',
    },
  ],
};

export const userMessage = (words: string): ChatMessage => ({
  role: "user",
  content: `[Sun 2026-11-29 09:28 UTC] ${words}\n\nRuntime: agent=main | session=agent:main:dashboard:1 | model=clawbridge-demo/clawbridge-demo | channel=webchat`,
});

export function openClawRequest(words: string, options: { after?: ChatMessage[]; tools?: ChatTool[] } = {}): ChatCompletionRequest {
  return {
    model: "clawbridge-demo",
    messages: [
      { role: "system", content: "You are a personal assistant running inside OpenClaw. Take your time to call tool read when needed." },
      userMessage(words),
      ...(options.after ?? []),
      INTERNAL_CONTEXT,
    ],
    stream: true,
    stream_options: { include_usage: true },
    tools: options.tools ?? openClawTools(),
    tool_choice: "auto",
    max_completion_tokens: 8192,
  };
}
