import {
  type OomiAckBody,
  OomiBackendErrorBodySchema,
  type OomiBackendPersona,
  type OomiChannelMessage,
  type OomiFailureBody,
  type OomiHeartbeatBody,
  OomiInviteStartResponseSchema,
  type OomiJobFailBody,
  OomiJobResponseSchema,
  type OomiJobSucceedBody,
  type OomiManagedCreateBody,
  OomiManagedCreateResponseSchema,
  type OomiOutboundMessageBody,
  OomiPersonaListResponseSchema,
  OomiPersonaResponseSchema,
  OomiPollResponseSchema,
  type OomiRuntimeRegisterBody,
} from "@clawbridge/contracts";
import { z } from "zod";
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

const AnyObject = z.record(z.string(), z.unknown());

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

  async #request<S extends z.ZodType>(method: "GET" | "POST", path: string, schema: S, body?: object): Promise<z.output<S>> {
    if (method === "POST" && !this.#options.deviceToken) {
      throw new OomiError("DEVICE_TOKEN_MISSING", "Device token is required: pair with `oomi openclaw pair` or pass --device-token.", 2);
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#options.deviceToken) headers.authorization = `Bearer ${this.#options.deviceToken}`;
    let payload: string | undefined;
    if (method === "POST") {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(this.#options.deviceId ? { ...body, deviceId: this.#options.deviceId } : (body ?? {}));
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
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new OomiError(
          "BACKEND_BAD_RESPONSE",
          `${method} ${path}: unexpected response from the Oomi backend (${parsed.error.issues[0]?.message})`,
        );
      }
      return parsed.data;
    }
    throw lastError ?? new OomiError("BACKEND_ERROR", `${method} ${path} failed`);
  }

  /** The persona, or null when the backend does not know it (404). */
  async findPersona(slug: string): Promise<OomiBackendPersona | null> {
    try {
      return (await this.#request("GET", `/v1/personas/${encodeURIComponent(slug)}`, OomiPersonaResponseSchema)).persona;
    } catch (error) {
      if (error instanceof OomiError && error.status === 404) return null;
      throw error;
    }
  }

  async listPersonas() {
    return (await this.#request("GET", "/v1/personas", OomiPersonaListResponseSchema)).personas;
  }

  syncPersona(persona: Record<string, unknown>) {
    return this.#request("POST", "/v1/personas", OomiPersonaResponseSchema, { persona });
  }

  managedCreate(body: OomiManagedCreateBody) {
    return this.#request("POST", "/v1/personas/managed_create", OomiManagedCreateResponseSchema, body);
  }

  runtimeRegister(slug: string, body: Omit<OomiRuntimeRegisterBody, "deviceId">) {
    return this.#request("POST", `/v1/personas/${encodeURIComponent(slug)}/runtime_register`, OomiPersonaResponseSchema, body);
  }

  heartbeat(slug: string, body: Omit<OomiHeartbeatBody, "deviceId">) {
    return this.#request("POST", `/v1/personas/${encodeURIComponent(slug)}/heartbeat`, OomiPersonaResponseSchema, body);
  }

  runtimeFail(slug: string, body: Omit<OomiFailureBody, "deviceId">) {
    return this.#request("POST", `/v1/personas/${encodeURIComponent(slug)}/fail`, OomiPersonaResponseSchema, body);
  }

  jobStart(jobId: string, startedAt: string) {
    return this.#request("POST", `/v1/persona_jobs/${encodeURIComponent(jobId)}/start`, OomiJobResponseSchema, { startedAt });
  }

  jobSucceed(jobId: string, body: Omit<OomiJobSucceedBody, "deviceId">) {
    return this.#request("POST", `/v1/persona_jobs/${encodeURIComponent(jobId)}/succeed`, OomiJobResponseSchema, body);
  }

  jobFail(jobId: string, body: Omit<OomiJobFailBody, "deviceId">) {
    return this.#request("POST", `/v1/persona_jobs/${encodeURIComponent(jobId)}/fail`, OomiJobResponseSchema, body);
  }

  async getJob(jobId: string) {
    return (await this.#request("GET", `/v1/persona_jobs/${encodeURIComponent(jobId)}`, OomiJobResponseSchema)).job;
  }

  async poll(limit: number, metadataType?: string): Promise<OomiChannelMessage[]> {
    return (
      await this.#request("POST", "/v1/channel/plugin/poll", OomiPollResponseSchema, { limit, ...(metadataType ? { metadataType } : {}) })
    ).messages;
  }

  ack(body: Omit<OomiAckBody, "deviceId">) {
    return this.#request("POST", "/v1/channel/plugin/acks", AnyObject, body);
  }

  postMessage(body: Omit<OomiOutboundMessageBody, "deviceId">) {
    return this.#request("POST", "/v1/channel/plugin/messages", AnyObject, body);
  }

  inviteStart(body: { appUrl?: string; sessionKey: string }) {
    return this.#request("POST", "/v1/invite_links/start", OomiInviteStartResponseSchema, body);
  }
}
