// Running an agent and reading its stream: text, tools, the terminal block and its usage.
import type { AgentAccounting, AgentMessage, AgentRunnerInterface, RunParams } from "@rome-os/app-runtime";

export interface Transcript {
  text: string;
  tools: string[];
  usedContext?: number;
  cost?: number;
  failed: boolean;
}

export async function transcript(runner: AgentRunnerInterface, prompt: string): Promise<Transcript> {
  const params: RunParams = { agentName: "main", prompt, contextSuffix: "Be brief.", sharedContext: { source: "digest" } };
  const out: Transcript = { text: "", tools: [], failed: false };
  let accounting: AgentAccounting | undefined;
  for await (const message of runner.run(params)) {
    const m: AgentMessage = message;
    if (m.type === "text") out.text += m.content;
    else if (m.type === "tool_use") out.tools.push(m.tool);
    else if (m.type === "result") accounting = m.accounting;
    else if (m.type === "error") {
      out.failed = true;
      accounting = m.accounting;
    }
  }
  out.usedContext = accounting?.context?.usedTokens;
  out.cost = accounting?.costUsd;
  return out;
}
