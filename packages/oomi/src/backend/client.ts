import {
  OOMI_ROUTES,
  type OomiAckBody,
  OomiBackendErrorBodySchema,
  type OomiBackendPersona,
  type OomiChannelMessage,
  type OomiFailureBody,
  type OomiHeartbeatBody,
  type OomiInviteStartBody,
  type OomiJobFailBody,
  type OomiJobSucceedBody,
  type OomiManagedCreateBody,
  type OomiOutboundMessageBody,
  type OomiPersonaSyncBody,
  type OomiRoute,
  type OomiRouteParams,
  type OomiRuntimeRegisterBody,
  oomiRoutePath,
} from "@clawbridge/contracts";
import type { z } from "zod";
import { OomiError } from "../errors.js";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface OomiBackendClientOptions {
  baseUrl: string;
  deviceToken?: string;
  /** Added to every POST body; the supervisor's client leaves it out. */
  deviceId?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Extra attempts for GETs (network errors and 5xx); POSTs are never retried. */
  getRetries?: number;
  retryDelayMs?: number;
}

/**
 * The Oomi backend REST client. Bearer device token on every request that has one, `deviceId` in
 * POST bodies, a timeout per request, bounded retries for reads only, and errors that carry the
 * HTTP status and the backend's own message. The token never appears in an error.
 */
export class OomiBackendClient {
  readonly baseUrl: string;
  readonly #options: OomiBackendClientOptions;
  readonly #fetch: FetchLike;

  constructor(options: OomiBackendClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async #request<R extends OomiRoute>(
    route: R,
    params: OomiRouteParams<R>,
    body?: R["body"] extends z.ZodType ? z.input<R["body"]> : never,
  ): Promise<z.output<R["response"]>> {
    const { method } = route;
    const path = oomiRoutePath(route, params);
    if (method === "POST" && !this.#options.deviceToken) {
      throw new OomiError("DEVICE_TOKEN_MISSING", "Device token is required: pair with `oomi openclaw pair` or pass --device-token.", 2);
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#options.deviceToken) headers.authorization = `Bearer ${this.#options.deviceToken}`;
    let payload: string | undefined;
    if (method === "POST") {
      headers["content-type"] = "application/json";
      const sent: object = body ?? {};
      payload = JSON.stringify(this.#options.deviceId ? { ...sent, deviceId: this.#options.deviceId } : sent);
    }
    const attempts = method === "GET" ? 1 + (this.#options.getRetries ?? 2) : 1;
    const url = `${this.baseUrl}${path}`;
    let lastError: OomiError | undefined;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, (this.#options.retryDelayMs ?? 250) * attempt));
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method,
          headers,
          ...(payload === undefined ? {} : { body: payload }),
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        const timedOut = (error as Error).name === "TimeoutError";
        lastError = new OomiError(
          timedOut ? "BACKEND_TIMEOUT" : "BACKEND_UNREACHABLE",
          timedOut
            ? `Oomi backend ${this.baseUrl} did not answer ${method} ${path} within ${this.#options.timeoutMs ?? 15_000} ms`
            : `Oomi backend ${this.baseUrl} is unreachable (${(error as Error).message}); check --backend-url / OOMI_BACKEND_URL`,
        );
        continue;
      }
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        json = null;
      }
      if (!response.ok) {
        const parsed = OomiBackendErrorBodySchema.partial().safeParse(json);
        const message = (parsed.success && parsed.data.error) || `Oomi backend request failed (${response.status})`;
        const code = response.status === 401 ? "BACKEND_UNAUTHORIZED" : response.status === 404 ? "BACKEND_NOT_FOUND" : "BACKEND_ERROR";
        lastError = new OomiError(code, `${method} ${path} → ${response.status}: ${message}`, 1, response.status);
        if (response.status >= 500) continue;
        throw lastError;
      }
      const parsed = route.response.safeParse(json);
      if (!parsed.success) {
        throw new OomiError(
          "BACKEND_BAD_RESPONSE",
          `${method} ${path}: unexpected response from the Oomi backend (${parsed.error.issues[0]?.message})`,
        );
      }
      return parsed.data as z.output<R["response"]>;
    }
    throw lastError ?? new OomiError("BACKEND_ERROR", `${method} ${path} failed`);
  }

  /** The persona, or null when the backend does not know it (404). */
  async findPersona(slug: string): Promise<OomiBackendPersona | null> {
    try {
      return (await this.#request(OOMI_ROUTES.getPersona, { slug })).persona;
    } catch (error) {
      if (error instanceof OomiError && error.status === 404) return null;
      throw error;
    }
  }

  async listPersonas() {
    return (await this.#request(OOMI_ROUTES.listPersonas, {})).personas;
  }

  syncPersona(persona: OomiPersonaSyncBody["persona"]) {
    return this.#request(OOMI_ROUTES.syncPersona, {}, { persona });
  }

  managedCreate(body: OomiManagedCreateBody) {
    return this.#request(OOMI_ROUTES.managedCreate, {}, body);
  }

  runtimeRegister(slug: string, body: Omit<OomiRuntimeRegisterBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.runtimeRegister, { slug }, body);
  }

  heartbeat(slug: string, body: Omit<OomiHeartbeatBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.heartbeat, { slug }, body);
  }

  runtimeFail(slug: string, body: Omit<OomiFailureBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.runtimeFail, { slug }, body);
  }

  jobStart(jobId: string, startedAt: string) {
    return this.#request(OOMI_ROUTES.jobStart, { jobId }, { startedAt });
  }

  jobSucceed(jobId: string, body: Omit<OomiJobSucceedBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.jobSucceed, { jobId }, body);
  }

  jobFail(jobId: string, body: Omit<OomiJobFailBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.jobFail, { jobId }, body);
  }

  async getJob(jobId: string) {
    return (await this.#request(OOMI_ROUTES.getJob, { jobId })).job;
  }

  async poll(limit: number, metadataType?: string): Promise<OomiChannelMessage[]> {
    return (await this.#request(OOMI_ROUTES.poll, {}, { limit, ...(metadataType ? { metadataType } : {}) })).messages;
  }

  ack(body: Omit<OomiAckBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.ack, {}, body);
  }

  postMessage(body: Omit<OomiOutboundMessageBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.postMessage, {}, body);
  }

  inviteStart(body: Omit<OomiInviteStartBody, "deviceId">) {
    return this.#request(OOMI_ROUTES.inviteStart, {}, body);
  }
}
