import { OOMI_CHANNEL_ID, type OomiChannelMessage } from "@clawbridge/contracts";
import type { OpenClawConfig, PluginRuntime } from "openclaw/plugin-sdk/channel-core";
import type { ResolvedOomiAccount } from "./accounts.js";
import type { MessageOutcome, ReplySender } from "./monitor.js";
import { isReplyRefused } from "./outbound.js";

export type OomiChannelRuntime = PluginRuntime["channel"];

export interface OomiInboundParams {
  cfg: OpenClawConfig;
  account: ResolvedOomiAccount;
  channelRuntime: OomiChannelRuntime;
  message: OomiChannelMessage;
  /** Stores a reply at the backend (the channel's sendText, resent until stored). */
  send: ReplySender;
}

/**
 * One Oomi chat message through core's inbound pipeline: the route (agent and session) from the
 * bindings, the DM policy from the account (`dmPolicy`, `allowFrom`), the inbound context, then the
 * agent turn; each final reply goes out through `send` (the channel's sendText, resent until the
 * backend stores it), before the message is acked. A message the policy blocks is settled `failed` with a code saying so.
 */
export async function dispatchOomiInbound(params: OomiInboundParams): Promise<MessageOutcome> {
  const { cfg, account, channelRuntime, message } = params;
  const { send } = params;
  const text = message.content?.trim();
  const conversationKey = message.conversationKey;
  if (!text || !conversationKey) return { outcome: "failed", failureCode: "unsupported_message" };
  const userId = message.userId ?? conversationKey;
  const route = channelRuntime.routing.resolveAgentRoute({
    cfg,
    channel: OOMI_CHANNEL_ID,
    accountId: account.accountId,
    peer: { kind: "direct", id: conversationKey },
  });
  const ingress = await channelRuntime.inbound.ingress.resolveStable({
    channelId: OOMI_CHANNEL_ID,
    accountId: account.accountId,
    cfg,
    identity: { key: "sender", entryIdPrefix: "oomi-user" },
    subject: { stableId: userId },
    conversation: { kind: "direct", id: conversationKey },
    contextBinding: {
      agentId: route.agentId,
      sessionKey: route.sessionKey,
      messageId: message.messageId,
      inboundEventKind: "user_request",
    },
    dmPolicy: account.dmPolicy,
    allowFrom: account.dmPolicy === "open" ? ["*"] : account.allowFrom,
  });
  if (ingress.ingress.admission !== "dispatch") return { outcome: "failed", failureCode: "dm_policy_blocked" };
  const target = `oomi:${conversationKey}`;
  const ctxPayload = channelRuntime.inbound.buildContext({
    channel: OOMI_CHANNEL_ID,
    accountId: route.accountId ?? account.accountId,
    messageId: message.messageId,
    messageIdFull: message.messageId,
    timestamp: message.createdAt ? Date.parse(message.createdAt) || Date.now() : Date.now(),
    from: target,
    sender: { id: userId, name: userId },
    conversation: { kind: "direct", id: conversationKey, label: userId },
    route: {
      agentId: route.agentId,
      dmScope: route.dmScope,
      accountId: route.accountId,
      routeSessionKey: route.sessionKey,
      dispatchSessionKey: route.sessionKey,
    },
    reply: { to: target, originatingTo: target },
    message: { body: text, bodyForAgent: text, rawBody: text, commandBody: text },
    channelIngress: ingress,
  });
  // Replies are stored in the background while the turn goes on; the message is settled once all are.
  const replies: Promise<void>[] = [];
  const dispatch = await channelRuntime.inbound.dispatch({
    cfg,
    channel: OOMI_CHANNEL_ID,
    accountId: account.accountId,
    route: { agentId: route.agentId, dmScope: route.dmScope, sessionKey: route.sessionKey },
    ctxPayload,
    delivery: {
      deliver: async (payload, info) => {
        if (info.kind !== "final" || !payload.text?.trim()) return;
        replies.push(
          send({
            to: conversationKey,
            text: payload.text,
            correlationId: message.messageId,
            ...(message.userId ? { userId: message.userId } : {}),
            sessionKey: message.sessionKey ?? account.defaultSessionKey,
          }),
        );
      },
    },
    // Oomi shows one message per reply: the whole text goes out in the final payload, not as streamed blocks.
    replyOptions: { sourceReplyDeliveryMode: "automatic", disableBlockStreaming: true },
    replyPipeline: {},
  });
  const stored = await Promise.allSettled(replies);
  if (dispatch.admission.kind !== "dispatch") return { outcome: "failed", failureCode: `declined_${dispatch.admission.kind}` };
  const refused = stored.find((result) => result.status === "rejected");
  if (refused) {
    // Refused outright (or the account stopped mid-send): say so in the ack rather than replay a turn core would drop.
    if (!isReplyRefused(refused.reason)) throw refused.reason;
    return { outcome: "failed", failureCode: "reply_refused" };
  }
  return { outcome: "delivered" };
}
