import { z } from "zod";
import { RecordIdSchema } from "../record-id.js";
import { OomiOutboxEntrySchema, OomiQueuedMessageSchema } from "./backend-store.js";
import {
  OomiAckBodySchema,
  OomiOutboundMessageBodySchema,
  OomiPollBodySchema,
  OomiPollResponseSchema,
  OomiUserMessageBodySchema,
} from "./channel.js";
import { OomiSlugSchema } from "./files.js";
import {
  OomiFailureBodySchema,
  OomiHeartbeatBodySchema,
  OomiInviteStartBodySchema,
  OomiInviteStartResponseSchema,
  OomiJobFailBodySchema,
  OomiJobResponseSchema,
  OomiJobStartBodySchema,
  OomiJobSucceedBodySchema,
  OomiManagedConfigResponseSchema,
  OomiManagedCreateBodySchema,
  OomiManagedCreateResponseSchema,
  OomiPairClaimBodySchema,
  OomiPairClaimResponseSchema,
  OomiPairStartBodySchema,
  OomiPairStartResponseSchema,
  OomiPersonaListResponseSchema,
  OomiPersonaResponseSchema,
  OomiPersonaSyncBodySchema,
  OomiRuntimeRegisterBodySchema,
} from "./rest.js";

/**
 * What an ack and a posted reply answer: a JSON object. Upstream's clients read nothing of an ack's
 * answer, and of a reply's only `message.messageId`, which ours does not need; a client that required
 * more would fail against a backend that answers otherwise. The local backend answers `{messageId,
 * state, failureCode}` and `{message: {messageId}}` (201 when stored, 200 when it already was).
 */
export const OomiAckResponseSchema = z.looseObject({});
export const OomiOutboundMessageResponseSchema = z.looseObject({});
/** The device's replies the backend holds (local backend only: what a test or the page reads). */
export const OomiOutboxResponseSchema = z.object({ messages: z.array(OomiOutboxEntrySchema) });
/** The device's queued messages and their delivery state (local backend only). */
export const OomiQueueResponseSchema = z.object({ messages: z.array(OomiQueuedMessageSchema) });
export const OomiUserMessageResponseSchema = z.object({ messageId: z.string() });

/**
 * One route of the Oomi backend's REST API, which the local backend serves and the `oomi` CLI and
 * plugin call: both are built from the table below, so a path, a body or an answer is written once.
 */
export interface OomiRoute {
  method: "GET" | "POST";
  /** The path; a `:name` segment is a parameter, validated by `params[name]`. */
  path: string;
  /** Whether the device's bearer token is required. */
  auth: boolean;
  params?: Readonly<Record<string, z.ZodType<string>>>;
  /** The JSON body a POST takes (absent: the route takes none). */
  body?: z.ZodType;
  /** What a 2xx answer holds. */
  response: z.ZodType;
}

const slug = { slug: OomiSlugSchema };
const jobId = { jobId: RecordIdSchema };

export const OOMI_ROUTES = {
  listPersonas: { method: "GET", path: "/v1/personas", auth: true, response: OomiPersonaListResponseSchema },
  getPersona: { method: "GET", path: "/v1/personas/:slug", auth: true, params: slug, response: OomiPersonaResponseSchema },
  syncPersona: { method: "POST", path: "/v1/personas", auth: true, body: OomiPersonaSyncBodySchema, response: OomiPersonaResponseSchema },
  managedCreate: {
    method: "POST",
    path: "/v1/personas/managed_create",
    auth: true,
    body: OomiManagedCreateBodySchema,
    response: OomiManagedCreateResponseSchema,
  },
  runtimeRegister: {
    method: "POST",
    path: "/v1/personas/:slug/runtime_register",
    auth: true,
    params: slug,
    body: OomiRuntimeRegisterBodySchema,
    response: OomiPersonaResponseSchema,
  },
  heartbeat: {
    method: "POST",
    path: "/v1/personas/:slug/heartbeat",
    auth: true,
    params: slug,
    body: OomiHeartbeatBodySchema,
    response: OomiPersonaResponseSchema,
  },
  runtimeFail: {
    method: "POST",
    path: "/v1/personas/:slug/fail",
    auth: true,
    params: slug,
    body: OomiFailureBodySchema,
    response: OomiPersonaResponseSchema,
  },
  getJob: { method: "GET", path: "/v1/persona_jobs/:jobId", auth: true, params: jobId, response: OomiJobResponseSchema },
  jobStart: {
    method: "POST",
    path: "/v1/persona_jobs/:jobId/start",
    auth: true,
    params: jobId,
    body: OomiJobStartBodySchema,
    response: OomiJobResponseSchema,
  },
  jobSucceed: {
    method: "POST",
    path: "/v1/persona_jobs/:jobId/succeed",
    auth: true,
    params: jobId,
    body: OomiJobSucceedBodySchema,
    response: OomiJobResponseSchema,
  },
  jobFail: {
    method: "POST",
    path: "/v1/persona_jobs/:jobId/fail",
    auth: true,
    params: jobId,
    body: OomiJobFailBodySchema,
    response: OomiJobResponseSchema,
  },
  poll: { method: "POST", path: "/v1/channel/plugin/poll", auth: true, body: OomiPollBodySchema, response: OomiPollResponseSchema },
  ack: { method: "POST", path: "/v1/channel/plugin/acks", auth: true, body: OomiAckBodySchema, response: OomiAckResponseSchema },
  postMessage: {
    method: "POST",
    path: "/v1/channel/plugin/messages",
    auth: true,
    body: OomiOutboundMessageBodySchema,
    response: OomiOutboundMessageResponseSchema,
  },
  outbox: { method: "GET", path: "/v1/channel/plugin/messages", auth: true, response: OomiOutboxResponseSchema },
  queue: { method: "GET", path: "/v1/channel/plugin/queue", auth: true, response: OomiQueueResponseSchema },
  userMessage: {
    method: "POST",
    path: "/v1/channel/user/messages",
    auth: true,
    body: OomiUserMessageBodySchema,
    response: OomiUserMessageResponseSchema,
  },
  managedConfig: { method: "GET", path: "/api/gateway/managed/config", auth: false, response: OomiManagedConfigResponseSchema },
  pairStart: {
    method: "POST",
    path: "/api/gateway/managed/pair/start",
    auth: false,
    body: OomiPairStartBodySchema,
    response: OomiPairStartResponseSchema,
  },
  pairClaim: { method: "POST", path: "/v1/pair/claim", auth: false, body: OomiPairClaimBodySchema, response: OomiPairClaimResponseSchema },
  inviteStart: {
    method: "POST",
    path: "/v1/invite_links/start",
    auth: true,
    body: OomiInviteStartBodySchema,
    response: OomiInviteStartResponseSchema,
  },
} as const satisfies Record<string, OomiRoute>;

export type OomiRoutes = typeof OOMI_ROUTES;
export type OomiRouteName = keyof OomiRoutes;

/** A route's path parameters by name, as the caller fills them in. */
export type OomiRouteParams<R extends OomiRoute> =
  R["params"] extends Readonly<Record<string, unknown>> ? { [K in keyof R["params"]]: string } : Record<string, never>;

/** A route's path with its parameters filled in, each percent-encoded as one segment. */
export function oomiRoutePath<R extends OomiRoute>(route: R, params: OomiRouteParams<R>): string {
  const values = params as Readonly<Record<string, string>>;
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) throw new Error(`${route.method} ${route.path}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}

/** A route's path as a pattern: each parameter is one captured, still-encoded segment, in order. */
export function oomiRoutePattern(route: OomiRoute): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("\\/");
  return { pattern: new RegExp(`^${source}$`), names };
}
