// Running an agent on behalf of a chat thread, with the thread's context attached.
import type { AgentRunnerInterface, RunParams, ThreadContext } from "@rome-os/app-runtime";

export function threadOf(channel: string, threadId: string, sender: string): ThreadContext {
  return {
    channel,
    threadId,
    threadPath: `${channel}/${threadId}`,
    channelUserId: sender,
    threadName: "Family",
    threadType: "group",
    projectName: "home",
    senderBondLevel: "guardian",
  };
}

export async function answerIn(runner: AgentRunnerInterface, context: ThreadContext, prompt: string): Promise<number> {
  const params: RunParams = {
    agentName: "main",
    prompt,
    channelThreadKey: `${context.channel}:${context.threadId}`,
    threadContext: context,
    workingDir: "/tmp",
  };
  let blocks = 0;
  for await (const _message of runner.run(params)) blocks += 1;
  return blocks;
}
