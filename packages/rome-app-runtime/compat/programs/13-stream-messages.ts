// Tagging streamed messages with the agent that produced them, and tool round trips.
import type { StreamAgentMessage, ToolResultMessage, ToolUseMessage } from "@rome-os/app-runtime";

const use: ToolUseMessage = { type: "tool_use", id: "u1", tool: "search", input: { q: "rome" }, startedAt: "2026-01-01T00:00:00Z" };
const result: ToolResultMessage = { type: "tool_result", toolUseId: "u1", tool: "search", output: ["a"], endedAt: "2026-01-01T00:00:01Z" };

export const stream: StreamAgentMessage[] = [
  { ...use, agent: "researcher" },
  { ...result, agent: "researcher" },
  { type: "error", error: "rate limited", agent: "main" },
];

export function byAgent(messages: StreamAgentMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message.agent ?? "main", (counts.get(message.agent ?? "main") ?? 0) + 1);
  return counts;
}
