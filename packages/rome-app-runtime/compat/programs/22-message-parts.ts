// A rich outgoing message: a routine draft card, an approval card and attachments.
import type { ApprovalCardStatus, MessagePart, OutgoingAttachment, OutgoingMessage, RoutineDraftSpec } from "@rome-os/app-runtime";

const draft: RoutineDraftSpec = {
  sentence: "When Dana emails you, Rome will text you a summary.",
  name: "dana-emails",
  watchLabel: "Gmail · new email",
  filterSummary: "sender is dana@example.com",
  thenSummary: "summarize it and text you on Telegram",
  trigger: { type: "event-bus", eventName: "gmail.new_email", filter: [{ field: "from.email", equals: "dana@example.com" }] },
  actionName: "summarize_and_text",
  args: { channel: "telegram" },
};

const status: ApprovalCardStatus = "pending";
const attachment: OutgoingAttachment = { type: "image", source: "/tmp/chart.png", caption: "this week" };

export const message: OutgoingMessage = {
  text: "Here is what I propose",
  attachments: [attachment],
  turnId: "t-7",
  parts: [
    { type: "text", content: "Proposed routine:" },
    { type: "routine_draft_card", toolUseId: "u-1", draft },
    {
      type: "approval_card",
      approvalId: "a-1",
      actionName: "send_text",
      status,
      preview: { kind: "generic", title: "Send", summary: "one text" },
    },
    { type: "turn_recap", turnId: "t-7", content: "Proposed a routine", audioDurationMs: 1200 },
  ],
};

export function scheduleOf(part: MessagePart): string | undefined {
  if (part.type !== "routine_draft_card") return undefined;
  const trigger = part.draft.trigger;
  return trigger.type === "schedule" ? `${trigger.localTime} ${trigger.tzid}` : trigger.eventName;
}
