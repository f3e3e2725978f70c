import { randomUUID } from "node:crypto";
import type { OomiOutboundMessageBody } from "@clawbridge/contracts";
import { OomiBackendClient } from "../backend/client.js";
import { OomiError } from "../errors.js";
import type { ResolvedOomiAccount } from "./accounts.js";

/** An Oomi target is a conversation key, optionally written `oomi:<conversationKey>`. */
export function normalizeOomiTarget(raw: string): string | undefined {
  const target = raw
    .trim()
    .replace(/^oomi:/i, "")
    .trim();
  return target.length > 0 && target.length <= 512 ? target : undefined;
}

/** The account's REST client (its own timeout, bearer device token). */
export function accountClient(account: ResolvedOomiAccount, fetchImpl?: typeof fetch): OomiBackendClient {
  if (!account.backendUrl || !account.deviceToken)
    throw new Error(account.problem ?? `oomi account ${account.accountId} is not configured`);
  return new OomiBackendClient({
    baseUrl: account.backendUrl,
    deviceToken: account.deviceToken,
    timeoutMs: account.requestTimeoutMs,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

export interface OomiSendText {
  account: ResolvedOomiAccount;
  to: string;
  text: string;
  /** The inbound message this answers. */
  correlationId?: string;
  userId?: string;
  sessionKey?: string;
  /** Fixed by the caller when it may send the same reply again: the backend stores one message per id. */
  messageId?: string;
}

/**
 * The channel's `sendText`: posts one agent message to `POST {backendUrl}/v1/channel/plugin/messages`
 * and resolves once the backend has stored it. Throws (with the backend's reason) when it did not.
 */
export async function sendOomiText(params: OomiSendText, fetchImpl?: typeof fetch): Promise<{ messageId: string; to: string }> {
  const conversationKey = normalizeOomiTarget(params.to);
  if (!conversationKey) throw new Error(`not an Oomi conversation: ${JSON.stringify(params.to)}`);
  const content = params.text.trim();
  if (!content) throw new Error("an Oomi message needs text");
  const messageId = params.messageId ?? `oc_${randomUUID()}`;
  const body: Omit<OomiOutboundMessageBody, "deviceId"> = {
    messageId,
    ...(params.correlationId ? { correlationId: params.correlationId } : {}),
    conversationKey,
    ...(params.userId ? { userId: params.userId } : {}),
    sessionKey: params.sessionKey ?? params.account.defaultSessionKey,
    content,
    source: "openclaw.channel",
    metadata: {
      accountId: params.account.accountId,
      ...(params.correlationId ? { correlationId: params.correlationId } : {}),
    },
  };
  await accountClient(params.account, fetchImpl).postMessage(body);
  return { messageId, to: conversationKey };
}

/** A reply the backend refused outright (a 4xx other than 408/429): sending it again would not help. */
export function isReplyRefused(error: unknown): boolean {
  const status = error instanceof OomiError ? error.status : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}
