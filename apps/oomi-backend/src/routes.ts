import { randomBytes, randomUUID } from "node:crypto";
import {
  OOMI_ROUTES,
  type OomiBackendPersona,
  type OomiPersonaJob,
  type OomiRoute,
  OomiSlugSchema,
  oomiRoutePattern,
  slugFromName,
} from "@clawbridge/contracts";
import { decodePathParam, secretEquals } from "@clawbridge/plugin-host";
import type { z } from "zod";
import { LEASE_MS, settleAck } from "./channel-queue.js";
import { HttpError, parseBody } from "./http.js";
import type { BackendState, BackendStore } from "./store.js";

export const PAIR_CODE_TTL_MS = 10 * 60_000;
/** Pair codes pending at once; `pair/start` needs no token, so without a bound it would grow the store file forever. */
export const DEFAULT_MAX_PENDING_PAIR_CODES = 100;

/** What the server knows of a request when it hands it to a route. */
export interface RequestContext {
  store: BackendStore;
  now: () => Date;
  /** The device the bearer token belongs to; null on routes that need no auth. */
  deviceId: string | null;
  body: unknown;
  /** The path's parameter segments, in order, as they came (still percent-encoded). */
  params: string[];
  baseUrl: string;
  maxPendingPairCodes: number;
  /** Chat was queued for a device (the broker pushes it to the device's open sockets). */
  chatQueued: (deviceId: string) => void;
}

export interface Route {
  method: OomiRoute["method"];
  pattern: RegExp;
  auth: boolean;
  handle: (ctx: RequestContext) => Promise<{ status: number; body: unknown }>;
}

/** A route's request as its handler sees it: the parameters decoded and checked, and the body parsed. */
type RouteContext<R extends OomiRoute> = Omit<RequestContext, "body" | "params"> & {
  params: { [K in keyof R["params"]]: string };
  body: R["body"] extends z.ZodType ? z.output<R["body"]> : undefined;
};

/** A handler's answer: the status, and a body the route's response schema describes. */
interface Reply<R extends OomiRoute> {
  status: number;
  body: z.input<R["response"]>;
}

/**
 * Serves one route of the contract's table: each path parameter is decoded (a bad `%` escape is a 400)
 * and checked against its schema, then the body against the route's, each failure a 400 naming the field.
 */
function serve<R extends OomiRoute>(route: R, handle: (ctx: RouteContext<R>) => Promise<Reply<R>>): Route {
  const { pattern, names } = oomiRoutePattern(route);
  return {
    method: route.method,
    pattern,
    auth: route.auth,
    handle: (ctx) => {
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        const schema = route.params?.[name];
        const parsed = schema?.safeParse(decodePathParam(ctx.params[index] ?? ""));
        if (!parsed?.success) {
          const message = parsed?.error.issues[0]?.message ?? "not a declared parameter";
          throw new HttpError(400, "invalid_field", `${name}: ${message}`, name);
        }
        params[name] = parsed.data;
      });
      const body = route.body ? parseBody(route.body, ctx.body) : undefined;
      return handle({ ...ctx, params, body } as RouteContext<R>);
    },
  };
}

function personaOf(data: BackendState, slug: string): OomiBackendPersona {
  const persona = data.personas.get(slug);
  if (!persona) throw new HttpError(404, "persona_not_found", `persona ${slug} does not exist; create it with managed_create first`);
  return persona;
}

function jobOf(data: BackendState, jobId: string): OomiPersonaJob {
  const job = data.jobs.get(jobId);
  if (!job) throw new HttpError(404, "job_not_found", `persona job ${jobId} does not exist`);
  return job;
}

type PersonaRuntime = NonNullable<OomiBackendPersona["runtime"]>;

/** A persona's runtime as a register or heartbeat reports it, with the two times the route decides. */
function reportedRuntime(
  report: Pick<PersonaRuntime, "endpoint" | "healthcheckUrl" | "transport" | "localPort">,
  times: Pick<PersonaRuntime, "startedAt" | "lastHeartbeatAt">,
): PersonaRuntime {
  return {
    endpoint: report.endpoint,
    healthcheckUrl: report.healthcheckUrl,
    transport: report.transport,
    localPort: report.localPort,
    ...times,
  };
}

/** Drops pair codes past their expiry, so unclaimed codes neither pile up nor count against the bound. */
function purgeExpiredPairCodes(data: BackendState, now: Date): void {
  for (const [code, pending] of data.pairCodes) if (Date.parse(pending.expiresAt) <= now.getTime()) data.pairCodes.delete(code);
}

const ok = <B>(body: B, status = 200) => ({ status, body });

export const routes: Route[] = [
  serve(OOMI_ROUTES.listPersonas, async ({ store }) => ok({ personas: [...store.data.personas.values()] })),
  serve(OOMI_ROUTES.getPersona, async (ctx) => ok({ persona: personaOf(ctx.store.data, ctx.params.slug) })),
  serve(OOMI_ROUTES.syncPersona, async (ctx) => {
    const { persona: manifest } = ctx.body;
    const persona = await ctx.store.mutate((data) => {
      const existing = data.personas.get(manifest.id);
      const next: OomiBackendPersona = {
        slug: manifest.id,
        name: manifest.name,
        description: typeof manifest.summary === "string" ? manifest.summary : (existing?.description ?? ""),
        lifecycle: existing?.lifecycle ?? "pending",
        templateType: "persona-app",
        promptTemplateVersion: typeof manifest.promptTemplateVersion === "string" ? manifest.promptTemplateVersion : "v1",
        createdAt: existing?.createdAt ?? ctx.now().toISOString(),
        runtime: existing?.runtime ?? null,
        failure: existing?.failure ?? null,
      };
      data.personas.set(next.slug, next);
      return next;
    });
    return ok({ persona });
  }),
  serve(OOMI_ROUTES.managedCreate, async (ctx) => {
    const { body } = ctx;
    const slug = body.slug ?? slugFromName(body.name);
    const usable = OomiSlugSchema.safeParse(slug);
    if (!usable.success)
      throw new HttpError(400, "invalid_field", `name: yields no usable slug (${usable.error.issues[0]?.message})`, "name");
    const deviceId = ctx.deviceId ?? "";
    return ctx.store.mutate((data) => {
      if (data.personas.has(slug)) throw new HttpError(409, "persona_exists", `persona ${slug} already exists`);
      const at = ctx.now().toISOString();
      const persona: OomiBackendPersona = {
        slug,
        name: body.name,
        description: body.description,
        lifecycle: "pending",
        templateType: "persona-app",
        promptTemplateVersion: body.promptTemplateVersion,
        createdAt: at,
        runtime: null,
        failure: null,
      };
      const jobId = `pj_${randomBytes(8).toString("hex")}`;
      const job: OomiPersonaJob = {
        jobId,
        status: "queued",
        deviceId,
        jobType: "create_persona_runtime",
        slug,
        startedAt: null,
        completedAt: null,
        result: null,
        failure: null,
      };
      data.personas.set(slug, persona);
      data.jobs.set(jobId, job);
      data.messages.push({
        deviceId,
        state: "pending",
        leasedUntil: null,
        failureCode: null,
        message: {
          messageId: `msg_${randomUUID()}`,
          createdAt: at,
          metadata: {
            type: "persona_job",
            jobId,
            payload: {
              jobId,
              jobType: "create_persona_runtime",
              persona: { slug, name: body.name, description: body.description, templateVersion: body.promptTemplateVersion },
            },
          },
        },
      });
      return ok({ persona, personaJob: { jobId, status: job.status, deviceId } }, 201);
    });
  }),
  serve(OOMI_ROUTES.runtimeRegister, async (ctx) => {
    const { slug } = ctx.params;
    const { body } = ctx;
    const persona = await ctx.store.mutate((data) => {
      const p = personaOf(data, slug);
      p.lifecycle = "running";
      p.failure = null;
      p.runtime = reportedRuntime(body, {
        startedAt: body.startedAt ?? ctx.now().toISOString(),
        lastHeartbeatAt: p.runtime?.lastHeartbeatAt ?? null,
      });
      return p;
    });
    return ok({ persona });
  }),
  serve(OOMI_ROUTES.heartbeat, async (ctx) => {
    const { slug } = ctx.params;
    const { body } = ctx;
    const persona = await ctx.store.mutate((data) => {
      const p = personaOf(data, slug);
      p.lifecycle = "running";
      p.runtime = reportedRuntime(body, {
        startedAt: p.runtime?.startedAt ?? null,
        lastHeartbeatAt: body.observedAt ?? ctx.now().toISOString(),
      });
      return p;
    });
    return ok({ persona });
  }),
  serve(OOMI_ROUTES.runtimeFail, async (ctx) => {
    const { slug } = ctx.params;
    const { body } = ctx;
    const persona = await ctx.store.mutate((data) => {
      const p = personaOf(data, slug);
      p.lifecycle = "failed";
      p.failure = { code: body.code, message: body.message, at: ctx.now().toISOString() };
      return p;
    });
    return ok({ persona });
  }),
  serve(OOMI_ROUTES.getJob, async (ctx) => ok({ job: jobOf(ctx.store.data, ctx.params.jobId) })),
  serve(OOMI_ROUTES.jobStart, async (ctx) => {
    const { body } = ctx;
    const job = await ctx.store.mutate((data) => {
      const j = jobOf(data, ctx.params.jobId);
      j.status = "running";
      j.startedAt = body.startedAt ?? ctx.now().toISOString();
      const p = data.personas.get(j.slug);
      if (p && j.jobType === "create_persona_runtime") p.lifecycle = "provisioning";
      return j;
    });
    return ok({ job });
  }),
  serve(OOMI_ROUTES.jobSucceed, async (ctx) => {
    const { body } = ctx;
    const job = await ctx.store.mutate((data) => {
      const j = jobOf(data, ctx.params.jobId);
      j.status = "succeeded";
      j.completedAt = body.completedAt ?? ctx.now().toISOString();
      const { deviceId: _device, ...result } = body;
      j.result = { ...result, completedAt: j.completedAt };
      j.failure = null;
      const p = data.personas.get(j.slug);
      if (p && j.jobType === "destroy_persona_runtime") {
        p.lifecycle = "stopped";
        p.runtime = null;
      }
      return j;
    });
    return ok({ job });
  }),
  serve(OOMI_ROUTES.jobFail, async (ctx) => {
    const { body } = ctx;
    const completedAt = body.completedAt ?? ctx.now().toISOString();
    const job = await ctx.store.mutate((data) => {
      const j = jobOf(data, ctx.params.jobId);
      j.status = "failed";
      j.completedAt = completedAt;
      j.failure = { code: body.code, message: body.message };
      const p = data.personas.get(j.slug);
      if (p) {
        p.lifecycle = "failed";
        p.failure = { code: body.code, message: body.message, at: completedAt };
      }
      return j;
    });
    return ok({ job });
  }),
  serve(OOMI_ROUTES.poll, async (ctx) => {
    const { body } = ctx;
    const now = ctx.now();
    const messages = await ctx.store.mutate((data) => {
      const picked = [];
      for (const queued of data.messages) {
        if (picked.length >= body.limit) break;
        if (queued.deviceId !== ctx.deviceId) continue;
        if (body.metadataType && queued.message.metadata.type !== body.metadataType) continue;
        const expired = queued.state === "leased" && queued.leasedUntil !== null && Date.parse(queued.leasedUntil) <= now.getTime();
        if (queued.state !== "pending" && !expired) continue;
        queued.state = "leased";
        queued.leasedUntil = new Date(now.getTime() + LEASE_MS).toISOString();
        picked.push(queued.message);
      }
      return picked;
    });
    return ok({ messages });
  }),
  serve(OOMI_ROUTES.ack, async (ctx) => {
    const { body } = ctx;
    const settled = await settleAck(ctx.store, ctx.deviceId, body);
    return ok({ messageId: settled.message.messageId, state: settled.state, failureCode: settled.failureCode });
  }),
  serve(OOMI_ROUTES.postMessage, async (ctx) => {
    const { body } = ctx;
    const deviceId = ctx.deviceId ?? body.deviceId;
    // A device resends a reply it could not confirm under the same messageId: store it once.
    const stored = await ctx.store.mutate((data) => {
      if (data.outbox.some((m) => m.messageId === body.messageId && m.deviceId === deviceId)) return false;
      data.outbox.push({ ...body, ...(deviceId ? { deviceId } : {}), receivedAt: ctx.now().toISOString() });
      return true;
    });
    return ok({ message: { messageId: body.messageId } }, stored ? 201 : 200);
  }),
  serve(OOMI_ROUTES.outbox, async (ctx) =>
    ok({ messages: ctx.store.data.outbox.filter((m) => !m.deviceId || m.deviceId === ctx.deviceId) }),
  ),
  serve(OOMI_ROUTES.queue, async (ctx) => ok({ messages: ctx.store.data.messages.filter((m) => m.deviceId === ctx.deviceId) })),
  serve(OOMI_ROUTES.userMessage, async (ctx) => {
    const { body } = ctx;
    const messageId = `msg_${randomUUID()}`;
    await ctx.store.mutate((data) => {
      data.messages.push({
        deviceId: ctx.deviceId ?? "",
        state: "pending",
        leasedUntil: null,
        failureCode: null,
        message: {
          messageId,
          conversationKey: body.conversationKey,
          userId: body.userId,
          ...(body.sessionKey ? { sessionKey: body.sessionKey } : {}),
          content: body.content,
          createdAt: ctx.now().toISOString(),
          metadata: { type: "chat" },
        },
      });
    });
    if (ctx.deviceId) ctx.chatQueued(ctx.deviceId);
    return ok({ messageId }, 201);
  }),
  serve(OOMI_ROUTES.managedConfig, async (ctx) =>
    ok({ brokerHttpUrl: ctx.baseUrl, brokerDeviceWsUrl: `${ctx.baseUrl.replace(/^http/, "ws")}/v1/device/ws` }),
  ),
  serve(OOMI_ROUTES.pairStart, async (ctx) => {
    const { body } = ctx;
    const now = ctx.now();
    const pairCode = await ctx.store.mutate((data) => {
      purgeExpiredPairCodes(data, now);
      if (data.pairCodes.size >= ctx.maxPendingPairCodes) {
        throw new HttpError(
          429,
          "too_many_pair_codes",
          `${data.pairCodes.size} pair codes are pending; claim one or retry once they expire (${PAIR_CODE_TTL_MS / 60_000} min after they were issued)`,
        );
      }
      let code: string;
      do code = randomBytes(4).toString("hex").toUpperCase();
      while (data.pairCodes.has(code));
      data.pairCodes.set(code, { label: body.label, expiresAt: new Date(now.getTime() + PAIR_CODE_TTL_MS).toISOString() });
      return code;
    });
    return ok({ pairCode });
  }),
  serve(OOMI_ROUTES.pairClaim, async (ctx) => {
    const { body } = ctx;
    const code = body.pairCode.toUpperCase();
    const now = ctx.now();
    return ctx.store.mutate((data) => {
      purgeExpiredPairCodes(data, now);
      const pending = data.pairCodes.get(code);
      if (!pending) throw new HttpError(400, "invalid_field", "pairCode: unknown or expired pair code", "pairCode");
      const existing = data.devices.get(body.deviceId);
      // A pair code is no proof of owning a device id: re-pairing one needs its current token.
      if (existing && !secretEquals(body.currentDeviceToken, existing.deviceToken)) {
        throw new HttpError(
          409,
          "device_exists",
          `device ${body.deviceId} is already paired; pair under another deviceId, or send its current token as currentDeviceToken to re-pair it`,
          "deviceId",
        );
      }
      data.pairCodes.delete(code);
      const deviceToken = randomBytes(24).toString("base64url");
      data.devices.set(body.deviceId, { deviceId: body.deviceId, deviceToken, label: pending.label, claimedAt: now.toISOString() });
      return ok({ deviceToken, expiresAt: null });
    });
  }),
  serve(OOMI_ROUTES.inviteStart, async (ctx) => {
    const { body } = ctx;
    const now = ctx.now();
    const code = randomBytes(12).toString("base64url");
    const expiresAt = new Date(now.getTime() + PAIR_CODE_TTL_MS).toISOString();
    const appUrl = (body.appUrl ?? ctx.baseUrl).replace(/\/+$/, "");
    await ctx.store.mutate((data) => {
      // Expired invites go as new ones come, so the store holds at most one TTL's worth.
      for (const [key, invite] of data.invites) if (Date.parse(invite.expiresAt) <= now.getTime()) data.invites.delete(key);
      data.invites.set(code, {
        deviceId: ctx.deviceId ?? "",
        sessionKey: body.sessionKey,
        appUrl,
        createdAt: now.toISOString(),
        expiresAt,
      });
    });
    return ok({ inviteUrl: `${appUrl}/invite/${code}`, expiresAt });
  }),
];
