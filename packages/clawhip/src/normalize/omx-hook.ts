import type { IncomingEvent } from "./incoming.js";
import { IngressError } from "./ingress-error.js";
import { isRecord, nonBlank } from "./json.js";

/**
 * Converts an OMX v1 hook envelope into an incoming event. `schema_version` must be the string "1"
 * and `context.normalized_event` a non-blank string; the kind is `event` when it is a string, and the
 * whole envelope becomes the payload.
 */
export function decodeOmxHookEnvelope(body: unknown): IncomingEvent {
  const envelope = isRecord(body) ? body : {};
  const version = envelope.schema_version;
  if (typeof version !== "string") throw new IngressError(400, "missing string field 'schema_version'");
  if (version !== "1") throw new IngressError(400, `unsupported schema_version '${version}'`);
  const context = isRecord(envelope.context) ? envelope.context : {};
  const normalized = nonBlank(context.normalized_event);
  if (normalized === undefined) throw new IngressError(400, "missing string field 'context.normalized_event'");

  const incoming: IncomingEvent = { kind: typeof envelope.event === "string" ? envelope.event : normalized, payload: envelope };
  const channel = nonBlank(envelope.channel);
  const mention = nonBlank(envelope.mention) ?? nonBlank(context.mention);
  if (channel !== undefined) incoming.channel = channel;
  if (mention !== undefined) incoming.mention = mention;
  return incoming;
}
