// Parking the agent on an inline question card the app renders itself.
import { type ActionResult, defineAction, type PendingInteraction, z } from "@rome-os/app-runtime";

function ask(question: string, choices: string[]): PendingInteraction {
  return {
    appId: "ask-user",
    promptText: `${question} (${choices.join(" / ")})`,
    render: { kind: "inline", componentId: "question-card", props: { question, choices } },
  };
}

export const askUser = defineAction({
  config: {
    name: "ask_user",
    type: "custom",
    description: "Asks the guardian a multiple-choice question.",
    complexity: "simple",
    speed: "slow",
    reliability: "high",
    sideEffects: "read-only",
  },
  schema: z.object({ question: z.string(), choices: z.array(z.string()).min(2) }),
  execute: async ({ question, choices }): Promise<ActionResult> => ({
    status: "pending_interaction",
    interaction: ask(question, choices),
  }),
});
