import { randomUUID } from "node:crypto";
import { OOMI_ROUTES, type OomiChannelMessage } from "@clawbridge/contracts";
import { errorMessage } from "@clawbridge/plugin-host";
import type { ResolvedOomiAccount } from "./accounts.js";
import { reconnectDelayMs } from "./backoff.js";
import { type BrokerConnection, connectBroker } from "./broker-client.js";
import { accountClient, isReplyRefused, type OomiSendText, sendOomiText } from "./outbound.js";

export const POLL_LIMIT = 10;
/** Answered message ids remembered per account, so a replayed message is acked again, not answered twice. */
const REMEMBERED_MESSAGES = 2_000;

export interface MessageOutcome {
  outcome: "delivered" | "failed";
  failureCode?: string;
}

/** Stores one reply at the backend, resending it until it is stored (or refused outright, or the monitor stops). */
export type ReplySender = (params: Omit<OomiSendText, "account" | "messageId">) => Promise<void>;

/**
 * Answers one chat message, its replies going out through `send`; resolves once every reply is stored
 * at the backend. A throw leaves the message unsettled, to be offered again.
 */
export type ChatMessageHandler = (message: OomiChannelMessage, send: ReplySender) => Promise<MessageOutcome>;

/** The parts of OpenClaw's account snapshot the monitor keeps current. */
export interface MonitorStatusPatch {
  running?: boolean;
  connected?: boolean;
  /** `broker` (WebSocket up) or `polling` (fallback while it is down). */
  statusState?: string;
  reconnectAttempts?: number;
  lastConnectedAt?: number | null;
  lastDisconnect?: { at: number; error?: string } | null;
  lastInboundAt?: number | null;
  lastOutboundAt?: number | null;
  lastError?: string | null;
}

export interface AccountMonitorOptions {
  account: ResolvedOomiAccount;
  signal: AbortSignal;
  handle: ChatMessageHandler;
  onStatus: (patch: MonitorStatusPatch) => void;
  log?: (line: string) => void;
  random?: () => number;
  now?: () => number;
  fetch?: typeof fetch;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The account monitor: receives the account's Oomi chat over the device broker WebSocket and, while
 * that is down, polls `/v1/channel/plugin/poll` between reconnect attempts (exponential backoff with
 * jitter). Messages are handled one at a time, in arrival order; each is acked only after the handler
 * resolved (its replies are stored), over the socket when it is up, else over HTTP. A reply the
 * backend could not take is resent (backoff with jitter) until it is stored. Delivery is at least
 * once: an unsettled message is offered again after a reconnect or a lease expiry, and an id already
 * answered is acked again without a second agent turn. Resolves when `signal` aborts.
 */
export async function runOomiAccountMonitor(options: AccountMonitorOptions): Promise<void> {
  const { account, signal } = options;
  const log = options.log ?? (() => {});
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const client = accountClient(account, options.fetch);
  const settled = new Map<string, MessageOutcome>();
  const inFlight = new Set<string>();
  let queue: Promise<void> = Promise.resolve();
  let broker: BrokerConnection | null = null;

  const remember = (messageId: string, outcome: MessageOutcome) => {
    settled.set(messageId, outcome);
    if (settled.size > REMEMBERED_MESSAGES) settled.delete(settled.keys().next().value as string);
  };

  const ack = async (messageId: string, outcome: MessageOutcome) => {
    const frame = { type: "channel.ack" as const, messageId, ...outcome };
    if (broker?.send(frame)) return;
    try {
      await client.ack({ messageId, ...outcome });
    } catch (error) {
      // The backend keeps the message unsettled and offers it again; the remembered outcome is re-acked then.
      log(`oomi: ack of ${messageId} not delivered: ${errorMessage(error)}`);
    }
  };

  /**
   * Replies are resent, not re-generated: core drops a message id it has already dispatched, so an
   * agent turn whose reply could not be stored (the backend was down) must not depend on a replay.
   * The reply keeps one messageId across attempts, and the backend stores one message per id.
   */
  const sendReply: ReplySender = async (params) => {
    const messageId = `oc_${randomUUID()}`;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await sendOomiText({ ...params, account, messageId }, options.fetch);
        return;
      } catch (error) {
        if (isReplyRefused(error) || signal.aborted) throw error;
        const delay = reconnectDelayMs(attempt, random);
        log(`oomi: reply to ${params.correlationId ?? "?"} not stored yet (${errorMessage(error)}); resending in ${delay} ms`);
        await abortableDelay(delay, signal);
      }
    }
  };

  const answer = async (message: OomiChannelMessage) => {
    const known = settled.get(message.messageId);
    if (known) return ack(message.messageId, known);
    if (inFlight.has(message.messageId)) return;
    inFlight.add(message.messageId);
    options.onStatus({ lastInboundAt: now() });
    try {
      const outcome = await options.handle(message, sendReply);
      remember(message.messageId, outcome);
      if (outcome.outcome === "delivered") options.onStatus({ lastOutboundAt: now() });
      await ack(message.messageId, outcome);
    } catch (error) {
      options.onStatus({ lastError: errorMessage(error) });
      log(`oomi: message ${message.messageId} left unsettled (offered again later): ${errorMessage(error)}`);
    } finally {
      inFlight.delete(message.messageId);
    }
  };
  const enqueue = (message: OomiChannelMessage) => {
    queue = queue.then(() => answer(message));
    return queue;
  };

  const brokerUrl = async (): Promise<string> => {
    if (account.brokerWsUrl) return account.brokerWsUrl;
    const response = await fetch(`${account.backendUrl}${OOMI_ROUTES.managedConfig.path}`, {
      signal: AbortSignal.timeout(account.requestTimeoutMs),
    });
    if (!response.ok) throw new Error(`managed config: HTTP ${response.status}`);
    return OOMI_ROUTES.managedConfig.response.parse(await response.json()).brokerDeviceWsUrl;
  };

  /** One broker session; resolves when the socket is gone, saying whether it ever became ready. */
  const brokerSession = (url: string) =>
    new Promise<{ ready: boolean; reason: string }>((resolve) => {
      let ready = false;
      const onAbort = () => broker?.close();
      const connection = connectBroker(url, account.deviceToken ?? "", {
        onReady: () => {
          ready = true;
          options.onStatus({ connected: true, statusState: "broker", reconnectAttempts: 0, lastConnectedAt: now(), lastError: null });
        },
        onFrame: (frame) => {
          if (frame.type === "channel.message") void enqueue(frame.message);
          else if (frame.type === "error") log(`oomi: broker refused a frame: ${frame.code}: ${frame.message}`);
        },
        onClose: (reason) => {
          signal.removeEventListener("abort", onAbort);
          if (broker === connection) broker = null;
          resolve({ ready, reason });
        },
      });
      broker = connection;
      signal.addEventListener("abort", onAbort, { once: true });
    });

  const pollOnce = async () => {
    try {
      for (const message of await client.poll(POLL_LIMIT, "chat")) await enqueue(message);
    } catch (error) {
      options.onStatus({ lastError: `poll: ${errorMessage(error)}` });
    }
  };

  options.onStatus({ running: true, connected: false, statusState: "connecting" });
  let attempt = 0;
  while (!signal.aborted) {
    let reason: string;
    try {
      const session = await brokerSession(await brokerUrl());
      reason = session.reason;
      if (session.ready) attempt = 0;
    } catch (error) {
      reason = errorMessage(error);
    }
    if (signal.aborted) break;
    attempt += 1;
    options.onStatus({
      connected: false,
      statusState: "polling",
      reconnectAttempts: attempt,
      lastDisconnect: { at: now(), error: reason },
      lastError: reason,
    });
    // Until the next attempt, chat arrives by polling.
    const reconnectAt = now() + reconnectDelayMs(attempt, random);
    for (;;) {
      await pollOnce();
      const left = reconnectAt - now();
      if (signal.aborted || left <= 0) break;
      await abortableDelay(Math.min(left, account.pollIntervalMs), signal);
    }
  }
  // The broker session ended before the loop did (its close resolved it); what is left is work in hand.
  await queue;
  options.onStatus({ running: false, connected: false, statusState: "stopped" });
}
