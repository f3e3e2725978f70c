import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import {
  CHAT_COMPLETION_STREAM_DONE,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  ChatCompletionRequestSchema,
  type OpenAIErrorBody,
  type OpenAIModel,
  type OpenAIModelList,
} from "@clawbridge/contracts";
import {
  BodyTooLargeError,
  createGuardedServer,
  decodePathParam,
  readBody,
  requestTarget,
  type ServerGuardOptions,
  sendJson,
} from "@clawbridge/plugin-host";
import { DEMO_MODEL_ID, DEMO_MODEL_NOTICE, DEMO_MODEL_OWNER } from "./demo-model.js";
import { planReply, type ReplyPlan } from "./plan.js";
import { completionOf, durationOf, type ReplyMeta, streamOf } from "./render.js";

/** OpenClaw's requests carry the whole system prompt and tool schemas (about 60 KB for one turn). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Waits `ms`, or rejects as soon as `signal` aborts (the client went away). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The connection cap and the timeouts on slow senders keep the shared guard's defaults unless set. */
export interface DemoModelServerOptions
  extends Pick<ServerGuardOptions, "maxConnections" | "headersTimeoutMs" | "requestTimeoutMs" | "keepAliveTimeoutMs"> {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Pause before each token of an ordinary streamed reply (`DEFAULT_TOKEN_DELAY_MS` by default). */
  tokenDelayMs?: number;
  /** Milliseconds since the epoch, for `created`. */
  now?: () => number;
  sleep?: Sleep;
  /** A fresh unique string for reply and tool-call ids (letters and digits only). */
  newId?: () => string;
  log?: (line: string) => void;
  /** Called with each valid chat request and the reply planned for it. */
  onReply?: (reply: { request: ChatCompletionRequest; plan: ReplyPlan }) => void;
}

export interface RunningDemoModel {
  port: number;
  url: string;
  /** What `models.providers.<id>.baseUrl` takes: `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  modelId: string;
  close(): Promise<void>;
}

const errorBody = (status: number, code: string, message: string): OpenAIErrorBody => ({
  error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code, param: null },
});

const modelCard = (now: number): OpenAIModel => ({
  id: DEMO_MODEL_ID,
  object: "model",
  created: Math.floor(now / 1000),
  owned_by: DEMO_MODEL_OWNER,
});

/**
 * Starts the demo model on 127.0.0.1: OpenAI's `GET /v1/models` and `POST /v1/chat/completions`
 * (streamed as server-sent events or answered whole), a plain-text `/` and `/health`. Replies are
 * planned by `planReply` from the request alone; this shell only adds ids, time and the socket.
 */
export async function startDemoModel(options: DemoModelServerOptions = {}): Promise<RunningDemoModel> {
  const now = options.now ?? Date.now;
  const sleep: Sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  const newId = options.newId ?? (() => randomUUID().replaceAll("-", ""));
  const log = options.log ?? (() => {});
  const startedAt = now();

  const chat = async (req: IncomingMessage, res: ServerResponse) => {
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, errorBody(413, "body_too_large", error.message));
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      return sendJson(res, 400, errorBody(400, "invalid_json", "The request body is not valid JSON."));
    }
    const parsed = ChatCompletionRequestSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`)
        .join("; ");
      return sendJson(res, 400, errorBody(400, "invalid_request", `Invalid chat completion request: ${issues}`));
    }
    const request = parsed.data;
    if (request.model !== DEMO_MODEL_ID) {
      return sendJson(
        res,
        404,
        errorBody(404, "model_not_found", `The model "${request.model}" does not exist here; this server only serves "${DEMO_MODEL_ID}".`),
      );
    }

    const plan = planReply(request, options.tokenDelayMs === undefined ? {} : { tokenDelayMs: options.tokenDelayMs });
    options.onReply?.({ request, plan });
    const id = newId();
    const meta: ReplyMeta = {
      id: `chatcmpl-demo-${id}`,
      created: Math.floor(now() / 1000),
      model: DEMO_MODEL_ID,
      toolCallId: `call${id.slice(0, 24)}`,
      includeUsage: request.stream_options?.include_usage === true,
    };
    const gone = new AbortController();
    res.on("close", () => {
      if (!res.writableEnded) gone.abort();
    });
    const summary = plan.kind === "text" ? `text (${plan.reason}, ${plan.tokens.length} tokens)` : `tool call ${plan.name}`;
    log(`chat ${request.stream ? "streamed" : "whole"}: ${summary}`);

    try {
      if (!request.stream) {
        const waitMs = durationOf(plan);
        if (waitMs > 0) await sleep(waitMs, gone.signal);
        return sendJson(res, 200, completionOf(plan, meta));
      }
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
      for (const { delayMs, chunk } of streamOf(plan, meta)) {
        if (delayMs > 0) await sleep(delayMs, gone.signal);
        if (gone.signal.aborted) throw gone.signal.reason;
        writeEvent(res, chunk);
      }
      res.end(`data: ${CHAT_COMPLETION_STREAM_DONE}\n\n`);
    } catch (error) {
      if (!gone.signal.aborted) throw error;
      log("chat: the client went away; reply stopped");
    }
  };

  /** The routes: each path and the methods it answers. */
  const routeOf = (pathname: string): Record<string, Handler> | undefined => {
    if (pathname === "/v1/chat/completions") return { POST: chat };
    if (pathname === "/v1/models") {
      const list: OpenAIModelList = { object: "list", data: [modelCard(startedAt)] };
      return { GET: (_req, res) => sendJson(res, 200, list) };
    }
    if (pathname.startsWith("/v1/models/")) {
      const wanted = decodePathParam(pathname.slice("/v1/models/".length));
      if (wanted === DEMO_MODEL_ID) return { GET: (_req, res) => sendJson(res, 200, modelCard(startedAt)) };
      return { GET: (_req, res) => sendJson(res, 404, errorBody(404, "model_not_found", `The model "${wanted}" does not exist here.`)) };
    }
    if (pathname === "/health") return { GET: (_req, res) => sendJson(res, 200, { ok: true, model: DEMO_MODEL_ID }) };
    if (pathname === "/") {
      return {
        GET: (_req, res) => {
          res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
          res.end(`${DEMO_MODEL_NOTICE}\n\nPOST /v1/chat/completions (model "${DEMO_MODEL_ID}"), GET /v1/models\n`);
        },
      };
    }
    return undefined;
  };

  const server = createGuardedServer(
    async (req, res) => {
      const { pathname } = requestTarget(req);
      const methods = routeOf(pathname);
      if (!methods) {
        return sendJson(
          res,
          404,
          errorBody(404, "not_found", `No route ${pathname}; this server answers /v1/chat/completions and /v1/models.`),
        );
      }
      const handle = methods[req.method ?? ""];
      if (!handle) {
        const allow = Object.keys(methods).join(", ");
        return sendJson(res, 405, errorBody(405, "method_not_allowed", `${req.method} is not allowed on ${pathname}.`), { allow });
      }
      return handle(req, res);
    },
    {
      errorBody,
      log,
      maxConnections: options.maxConnections,
      headersTimeoutMs: options.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs,
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    baseUrl: `${url}/v1`,
    modelId: DEMO_MODEL_ID,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function writeEvent(res: ServerResponse, chunk: ChatCompletionChunk): void {
  res.write(`data: ${JSON.stringify(chunk)}\n\n`);
}
