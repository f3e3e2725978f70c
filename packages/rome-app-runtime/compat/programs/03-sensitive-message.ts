// A messaging action whose approval card quotes the exact text to be sent.
import { type ActionConfig, defineAction, type PreviewPayload, z } from "@rome-os/app-runtime";

const config: ActionConfig = {
  name: "send_text",
  type: "system",
  description: "Sends a message on a channel.",
  entry: "actions/send-text.js",
  complexity: "simple",
  speed: "fast",
  reliability: "high",
  sideEffects: "write",
  requiresApproval: true,
  cancellable: true,
  webhook: false,
};

const input = z.object({ channel: z.string(), threadId: z.string(), text: z.string().max(4000) });

export const sendText = defineAction({
  config,
  schema: input,
  execute: async () => ({ status: "ok" }),
  preview: ({ channel, threadId, text }) => ({ kind: "sensitive_message", channel, threadId, text, reason: "outbound message" }),
});

export function quoted(preview: PreviewPayload): string {
  return preview.kind === "sensitive_message" ? preview.text : preview.summary;
}
