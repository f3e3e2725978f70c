import type { OomiAckBody, OomiChannelMessage, OomiQueuedMessage } from "@clawbridge/contracts";
import { HttpError } from "./http.js";
import type { BackendStore } from "./store.js";

/** How long a polled message stays leased before it is offered again (no ack = not delivered). */
export const LEASE_MS = 60_000;

/** Settles one queued message with the device's ack; shared by `POST /v1/channel/plugin/acks` and the broker's `channel.ack`. */
export function settleAck(store: BackendStore, deviceId: string | null, body: OomiAckBody): Promise<OomiQueuedMessage> {
  return store.mutate((data) => {
    const queued = data.messages.find((m) => m.message.messageId === body.messageId && m.deviceId === deviceId);
    if (!queued) throw new HttpError(404, "message_not_found", `message ${body.messageId} is not queued for this device`);
    queued.state = body.outcome;
    queued.leasedUntil = null;
    queued.failureCode = body.outcome === "failed" ? (body.failureCode ?? "persona_job_delivery_failed") : null;
    return queued;
  });
}

/**
 * Leases the device's unsettled chat messages for a broker connection. A message leased earlier and
 * never acked is offered again (the connection that held it is gone, or its lease ran out): delivery
 * is at least once, and the device drops a messageId it has already answered.
 */
export function leaseChatForBroker(
  store: BackendStore,
  deviceId: string,
  now: Date,
  skip: ReadonlySet<string>,
): Promise<OomiChannelMessage[]> {
  return store.mutate((data) => {
    const picked: OomiChannelMessage[] = [];
    for (const queued of data.messages) {
      if (queued.deviceId !== deviceId || queued.message.metadata.type !== "chat") continue;
      if (queued.state !== "pending" && queued.state !== "leased") continue;
      if (skip.has(queued.message.messageId)) continue;
      queued.state = "leased";
      queued.leasedUntil = new Date(now.getTime() + LEASE_MS).toISOString();
      picked.push(queued.message);
    }
    return picked;
  });
}
