import type { ClawhipAccepted, ClawhipDeliveryJob, ClawhipEvent } from "@clawbridge/contracts";
import { decodeEventWire } from "../normalize/event-wire.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { IngressError } from "../normalize/ingress-error.js";
import { isRecord } from "../normalize/json.js";
import { decodeNativeHook } from "../normalize/native-hook.js";
import { decodeNativeHookV1 } from "../normalize/native-hook-v1.js";
import { type NormalizeEnv, normalizeEvent, systemNormalizeEnv } from "../normalize/normalize-event.js";
import { decodeOmxHookEnvelope } from "../normalize/omx-hook.js";
import { validateCanonicalEvent } from "../normalize/validate.js";
import { type DeliveryPlan, type RoutingConfig, resolveDeliveries } from "../route/resolve-deliveries.js";
import { decodeGithubWebhook } from "../sources/github-webhook.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./http-io.js";

/**
 * The ingress surfaces: generic events, OMX hook envelopes, provider-native hooks as upstream v0.5.5
 * took them, provider-native hooks of upstream's 0.6.x contract, and signature-checked GitHub webhook
 * deliveries (`{"event": <X-GitHub-Event>, "body": <delivery>}`, built by the HTTP handler).
 */
export type IngressSurface = "event" | "omx-hook" | "native-hook" | "native-hook-v1" | "github";

export type AcceptOutcome =
  | {
      ok: true;
      status: 202;
      body: ClawhipAccepted;
      event: ClawhipEvent;
      plan: DeliveryPlan;
      /** The event id was minted here (the payload had none), so no earlier delivery can share it. */
      mintedId: boolean;
    }
  | { ok: false; status: 400 | 422; body: { ok: false; error: string }; event?: ClawhipEvent };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeIngress(surface: IngressSurface, body: unknown): IncomingEvent {
  switch (surface) {
    case "event":
      return decodeEventWire(body);
    case "omx-hook":
      return decodeOmxHookEnvelope(body);
    case "native-hook":
      return decodeNativeHook(body);
    case "native-hook-v1":
      return decodeNativeHookV1(body);
    case "github":
      return decodeGithubWebhook(body);
  }
}

/**
 * Everything an ingress does with a parsed body, without I/O: decode the surface, normalize,
 * validate, and plan the deliveries. The daemon, the plugin routes and the CLI all go through here.
 */
export function acceptIncoming(incoming: IncomingEvent, config: RoutingConfig, env: NormalizeEnv = systemNormalizeEnv): AcceptOutcome {
  const event = normalizeEvent(incoming, env);
  try {
    validateCanonicalEvent(event);
  } catch (error) {
    if (error instanceof IngressError) return { ok: false, status: error.status, body: { ok: false, error: error.message }, event };
    throw error;
  }
  const eventId = event.payload.event_id;
  const mintedId = !(isRecord(incoming.payload) && Object.hasOwn(incoming.payload, "event_id"));
  const responseId = typeof eventId === "string" && (mintedId || (eventId.length === 36 && UUID.test(eventId))) ? eventId : env.uuid();
  return {
    ok: true,
    status: 202,
    body: { ok: true, type: event.kind, event_id: responseId },
    event,
    plan: resolveDeliveries(event, config),
    mintedId,
  };
}

/** Decodes and accepts one body. A GitHub delivery clawhip has no event for throws `IgnoredDelivery`. */
export function acceptIngress(
  surface: IngressSurface,
  body: unknown,
  config: RoutingConfig,
  env: NormalizeEnv = systemNormalizeEnv,
): AcceptOutcome {
  let incoming: IncomingEvent;
  try {
    incoming = decodeIngress(surface, body);
  } catch (error) {
    if (error instanceof IngressError) return { ok: false, status: error.status, body: { ok: false, error: error.message } };
    throw error;
  }
  return acceptIncoming(incoming, config, env);
}

/** An ingress body as it came off the wire: its JSON is parsed (and its depth bounded) here. */
export function acceptRawIngress(
  surface: IngressSurface,
  text: string,
  config: RoutingConfig,
  env: NormalizeEnv = systemNormalizeEnv,
): AcceptOutcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, status: 400, body: { ok: false, error: `invalid JSON body: ${(error as Error).message}` } };
  }
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    return { ok: false, status: 400, body: { ok: false, error: `body nests deeper than ${MAX_JSON_DEPTH} levels` } };
  }
  return acceptIngress(surface, body, config, env);
}

/** The spool jobs of an accepted event: one per planned delivery, keyed so a repeat of the event is deduplicated. */
export function deliveryJobs(event: ClawhipEvent, plan: DeliveryPlan, acceptedAt: string): ClawhipDeliveryJob[] {
  if (!plan.ok) return [];
  const eventId = String(event.payload.event_id);
  return plan.deliveries.map((d) => {
    const job: ClawhipDeliveryJob = {
      key: `${eventId}|${d.route ?? "default"}|${d.target.kind}|${d.target.value}`,
      event_id: eventId,
      event_kind: event.kind,
      sink: d.sink,
      target: d.target,
      format: d.format,
      content: d.content,
      accepted_at: acceptedAt,
    };
    if (d.batchKey !== undefined) job.batch = d.ci ? { key: d.batchKey, body: d.body, ci: d.ci } : { key: d.batchKey, body: d.body };
    return job;
  });
}
