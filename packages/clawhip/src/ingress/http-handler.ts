import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClawhipRuntime } from "../runtime/clawhip-runtime.js";
import type { IngressSurface } from "./accept.js";
import { BodyTooLargeError, readBody, sendJson } from "./http-io.js";
import { IngressBatcher } from "./ingress-batcher.js";

/** Every ingress path, and the surface it speaks. */
export const INGRESS_PATHS: Readonly<Record<string, IngressSurface>> = {
  "/event": "event",
  "/api/event": "event",
  "/events": "event",
  "/api/omx/hook": "omx-hook",
  "/omx/hook": "omx-hook",
  "/api/native/hook": "native-hook",
  "/native/hook": "native-hook",
};

export const HEALTH_PATH = "/health";

export interface IngressHandlerOptions {
  /** The runtime, or undefined while it is starting (requests then get 503). */
  runtime: () => ClawhipRuntime | undefined;
  /** When set, every ingress POST needs `Authorization: Bearer <token>`; defaults to `[daemon].token`. */
  token?: string;
  /** A path prefix the routes live under (the plugin mounts them under e.g. `/clawhip`). */
  prefix?: string;
  log?: (message: string) => void;
}

function hasBearer(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== "string" || !header.toLowerCase().startsWith("bearer ")) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === "application/json") return true;
  if (!header) return false;
  const type = (header.split(";")[0] as string).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** A path of only these characters is its own pathname; any other (escapes, dot segments, …) goes through URL. */
const PLAIN_PATH = /^\/[A-Za-z0-9_\-/]*$/;

/**
 * The path of a request target as `new URL(target, base).pathname` gives it, without building a URL
 * for the plain `/event`-like targets that nearly every request has.
 */
function pathnameOf(target: string): string {
  const end = target.search(/[?#]/);
  const path = end < 0 ? target : target.slice(0, end);
  if (PLAIN_PATH.test(path) && !path.startsWith("//")) return path;
  return new URL(target, "http://clawhip").pathname;
}

const fail = (res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { ok: false, error }, headers);

/**
 * The ingress as a node:http handler: `GET /health` and the POST routes, with 202/400/401/404/405/
 * 413/415/422 envelopes. Resolves false for paths it does not own, so hosts can chain handlers.
 */
export function createIngressHandler(options: IngressHandlerOptions) {
  const prefix = options.prefix ?? "";
  const batcher = new IngressBatcher(async (items) => {
    const runtime = options.runtime();
    if (!runtime) return items.map(() => ({ status: 503, body: { ok: false, error: "clawhip is starting" } }));
    return runtime.acceptBatch(items);
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const full = pathnameOf(req.url ?? "/");
    if (prefix !== "" && !full.startsWith(`${prefix}/`)) return false;
    const path = full.slice(prefix.length);
    const surface = INGRESS_PATHS[path];
    if (surface === undefined && path !== HEALTH_PATH) return false;
    try {
      const runtime = options.runtime();
      if (path === HEALTH_PATH) {
        if (req.method !== "GET" && req.method !== "HEAD") fail(res, 405, "method not allowed; use GET", { allow: "GET" });
        else if (!runtime) fail(res, 503, "clawhip is starting");
        else sendJson(res, 200, runtime.health());
        return true;
      }
      if (req.method !== "POST") {
        fail(res, 405, "method not allowed; use POST", { allow: "POST" });
        return true;
      }
      if (!runtime) {
        fail(res, 503, "clawhip is starting");
        return true;
      }
      const token = options.token ?? runtime.config.daemon.token;
      if (token !== undefined && !hasBearer(req, token)) {
        fail(res, 401, "unauthorized: send Authorization: Bearer <token>");
        return true;
      }
      if (!isJsonContentType(req.headers["content-type"])) {
        fail(res, 415, `unsupported content type '${req.headers["content-type"] ?? ""}': expected application/json`);
        return true;
      }
      let raw: Buffer;
      try {
        raw = await readBody(req, runtime.config.daemon.body_limit_bytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          fail(res, 413, error.message, { connection: "close" });
          return true;
        }
        throw error;
      }
      const reply = await batcher.submit({ surface: surface as IngressSurface, text: raw.toString("utf8") });
      sendJson(res, reply.status, reply.body);
    } catch (error) {
      options.log?.(`ingress ${req.method} ${full} failed: ${(error as Error).stack ?? error}`);
      fail(res, 500, "internal error");
    }
    return true;
  };
}
