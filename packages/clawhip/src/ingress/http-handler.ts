import type { IncomingMessage, ServerResponse } from "node:http";
import type { ClawhipHealth } from "@clawbridge/contracts";
import { hasBearer, RequestTargetError, requestTarget } from "@clawbridge/plugin-host";
import type { DeliveryRuntime } from "../runtime/delivery-runtime.js";
import { githubSignatureValid } from "../sources/github-webhook.js";
import { type TmuxMonitor, TmuxRegistrationError } from "../sources/tmux-monitor.js";
import { type UpdateChecker, UpdateError } from "../sources/update-checker.js";
import { VERSION } from "../version.js";
import type { IngressSurface } from "./accept.js";
import { BodyTooLargeError, readBody, sendJson } from "./http-io.js";
import { IngressBatcher } from "./ingress-batcher.js";

/** Every ingress path, and the surface it speaks (a Map: a request path is never a prototype lookup). */
export const INGRESS_PATHS: ReadonlyMap<string, IngressSurface> = new Map([
  ["/event", "event"],
  ["/api/event", "event"],
  ["/events", "event"],
  ["/api/omx/hook", "omx-hook"],
  ["/omx/hook", "omx-hook"],
  ["/api/native/hook", "native-hook"],
  ["/native/hook", "native-hook"],
  ["/api/native/v1/hook", "native-hook-v1"],
  ["/native/v1/hook", "native-hook-v1"],
]);

export const HEALTH_PATH = "/health";
/** GitHub webhook deliveries: authenticated by their HMAC signature, not by the bearer token. */
export const GITHUB_PATH = "/github";
export const TMUX_REGISTER_PATH = "/api/tmux/register";
export const TMUX_LIST_PATH = "/api/tmux";
/** The update lifecycle: `GET` status, `POST` approve and dismiss (a Map: a request path is never a prototype lookup). */
export const UPDATE_PATHS: ReadonlyMap<string, "GET" | "POST"> = new Map([
  ["/api/update/status", "GET"],
  ["/api/update/approve", "POST"],
  ["/api/update/dismiss", "POST"],
]);

export interface IngressHandlerOptions {
  /** The runtime, or undefined while it is starting (requests then get 503). */
  runtime: () => DeliveryRuntime | undefined;
  /** When set, every ingress POST needs `Authorization: Bearer <token>`; defaults to `[daemon].token`. */
  token?: string;
  /**
   * Refuse every ingress POST (401) while no token is configured. The plugin sets it for `routeAuth:
   * "plugin"`, where nothing else authenticates the route; the loopback daemon keeps upstream's open default.
   */
  requireToken?: boolean;
  /** A path prefix the routes live under (the plugin mounts them under e.g. `/clawhip`). */
  prefix?: string;
  /** Fields the daemon adds to `/health` (where it listens, token source, monitors). */
  healthExtra?: () => Partial<ClawhipHealth>;
  /** The daemon's tmux monitor; without one (the plugin) the tmux routes are not served. */
  tmux?: () => TmuxMonitor | undefined;
  /** The daemon's update checker; without one (the plugin) the update routes are not served. */
  update?: () => UpdateChecker | undefined;
  /** The secret GitHub signs webhook deliveries with; defaults to `[github].webhook_secret`. */
  githubSecret?: string;
  log?: (message: string) => void;
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === "application/json") return true;
  if (!header) return false;
  const type = (header.split(";")[0] as string).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** A target of only these characters is its own pathname; any other (a query, escapes, dot segments, …) is parsed. */
const PLAIN_PATH = /^\/[A-Za-z0-9_\-/]*$/;

/**
 * The pathname of a request target, without parsing the plain `/event`-like targets that nearly every
 * request has. Any other target goes through `requestTarget`, which throws a `RequestTargetError`
 * (answered 400) for one that does not parse (`//[`, `/%zz`).
 */
export function pathnameOf(req: Pick<IncomingMessage, "url">): string {
  const target = req.url ?? "/";
  return PLAIN_PATH.test(target) ? target : requestTarget(req).pathname;
}

const fail = (res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { ok: false, error }, headers);

/**
 * The ingress as a node:http handler: `GET /health` and the POST routes, with 202/400/401/404/405/
 * 413/415/422 envelopes. Resolves false for paths it does not own, so hosts can chain handlers; a
 * request target that does not parse is answered 400 here, as no other handler could own it.
 */
export function createIngressHandler(options: IngressHandlerOptions) {
  const prefix = options.prefix ?? "";
  const batcher = new IngressBatcher(async (items) => {
    const runtime = options.runtime();
    if (!runtime) return items.map(() => ({ status: 503, body: { ok: false, error: "clawhip is starting" } }));
    return runtime.acceptBatch(items);
  });
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    let full: string;
    try {
      full = pathnameOf(req);
    } catch (error) {
      if (!(error instanceof RequestTargetError)) throw error;
      fail(res, 400, error.message, { connection: "close" });
      return true;
    }
    if (prefix !== "" && !full.startsWith(`${prefix}/`)) return false;
    const path = full.slice(prefix.length);
    if (path === HEALTH_PATH) {
      const runtime = options.runtime();
      if (req.method !== "GET" && req.method !== "HEAD") fail(res, 405, "method not allowed; use GET", { allow: "GET" });
      else if (!runtime) fail(res, 503, "clawhip is starting");
      else sendJson(res, 200, { ...runtime.health(), ...options.healthExtra?.() });
      return true;
    }
    if ((path === TMUX_REGISTER_PATH || path === TMUX_LIST_PATH) && options.tmux) {
      await serveTmux(req, res, path, options);
      return true;
    }
    const updateMethod = UPDATE_PATHS.get(path);
    if (updateMethod !== undefined && options.update) {
      await serveUpdate(req, res, path, updateMethod, options);
      return true;
    }
    const surface = path === GITHUB_PATH ? "github" : INGRESS_PATHS.get(path);
    if (surface === undefined) return false;
    try {
      const runtime = options.runtime();
      if (req.method !== "POST") {
        fail(res, 405, "method not allowed; use POST", { allow: "POST" });
        return true;
      }
      if (!runtime) {
        fail(res, 503, "clawhip is starting");
        return true;
      }
      const githubSecret = surface === "github" ? (options.githubSecret ?? runtime.config.github.webhook_secret) : undefined;
      if (surface === "github" && githubSecret === undefined) {
        fail(
          res,
          401,
          "unauthorized: GitHub webhooks need [github].webhook_secret (or CLAWHIP_GITHUB_WEBHOOK_SECRET) to check their signature",
        );
        return true;
      }
      const token = surface === "github" ? undefined : (options.token ?? runtime.config.daemon.token);
      if (token === undefined && options.requireToken && surface !== "github") {
        fail(res, 401, 'unauthorized: routeAuth "plugin" needs [daemon].token in clawhip\'s config; set one, or use routeAuth "gateway"');
        return true;
      }
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
        // A client that hung up or timed out mid-body has nobody left to answer, and it is no failure of ours.
        if (req.socket.destroyed) return true;
        throw error;
      }
      let text = raw.toString("utf8");
      if (githubSecret !== undefined) {
        const signature = req.headers["x-hub-signature-256"];
        if (!githubSignatureValid(githubSecret, raw, typeof signature === "string" ? signature : undefined)) {
          fail(res, 401, "unauthorized: X-Hub-Signature-256 is missing or does not match the body");
          return true;
        }
        // The event name travels with the body, so the pipeline sees one JSON document per delivery. It
        // goes last: JSON.parse keeps the last of duplicate keys, so no body text can stand in for it.
        const event = req.headers["x-github-event"];
        text = `{"body":${text},"event":${JSON.stringify(typeof event === "string" ? event : "")}}`;
      }
      const reply = await batcher.submit({ surface, text });
      sendJson(res, reply.status, reply.body);
    } catch (error) {
      options.log?.(`ingress ${req.method} ${full} failed: ${(error as Error).stack ?? error}`);
      fail(res, 500, "internal error");
    }
    return true;
  };
}

/**
 * What the daemon's own routes (tmux, update) check first, in this order: the method (405; `GET` also
 * takes `HEAD`), that the daemon is up (503), and the bearer token when one is configured (401).
 * Answers the first that fails and returns undefined; otherwise returns the runtime.
 */
function admitted(
  req: IncomingMessage,
  res: ServerResponse,
  method: "GET" | "POST",
  up: boolean,
  options: IngressHandlerOptions,
): DeliveryRuntime | undefined {
  if (req.method !== method && !(method === "GET" && req.method === "HEAD")) {
    fail(res, 405, `method not allowed; use ${method}`, { allow: method });
    return undefined;
  }
  const runtime = options.runtime();
  if (!runtime || !up) {
    fail(res, 503, "clawhip is starting");
    return undefined;
  }
  const token = options.token ?? runtime.config.daemon.token;
  if (token !== undefined && !hasBearer(req, token)) {
    fail(res, 401, "unauthorized: send Authorization: Bearer <token>");
    return undefined;
  }
  return runtime;
}

/** `GET /api/update/status`, `POST /api/update/approve` and `POST /api/update/dismiss`. */
async function serveUpdate(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: "GET" | "POST",
  options: IngressHandlerOptions,
): Promise<void> {
  const checker = options.update?.();
  if (!admitted(req, res, method, true, options)) return;
  // A web page can POST a form to the loopback daemon without a preflight, but never as JSON: approve
  // (which runs npm) and dismiss take JSON only, so a tokenless daemon is not driven from a browser.
  if (method === "POST" && !isJsonContentType(req.headers["content-type"])) {
    fail(res, 415, `unsupported content type '${req.headers["content-type"] ?? ""}': expected application/json`);
    return;
  }
  if (!checker) {
    // No checker runs: nothing can be pending, and there is nothing to approve or dismiss.
    if (method === "GET") sendJson(res, 200, { pending: false, current_version: VERSION });
    else fail(res, 400, `no pending update to ${path.endsWith("approve") ? "approve" : "dismiss"} ([update].enabled is false)`);
    return;
  }
  try {
    if (method === "GET") sendJson(res, 200, checker.status());
    else if (path.endsWith("approve")) sendJson(res, 200, { ok: true, updated_to: (await checker.approve()).latest_version });
    else sendJson(res, 200, { ok: true, dismissed_version: checker.dismiss().latest_version });
  } catch (error) {
    if (!(error instanceof UpdateError)) throw error;
    fail(res, 400, error.message);
  }
}

/**
 * `POST /api/tmux/register` (a registration, persisted before its 202) and `GET /api/tmux` (the
 * registrations). Both need the bearer token when one is configured: a registration names channels.
 */
async function serveTmux(req: IncomingMessage, res: ServerResponse, path: string, options: IngressHandlerOptions): Promise<void> {
  const monitor = options.tmux?.();
  const method = path === TMUX_LIST_PATH ? "GET" : "POST";
  const runtime = admitted(req, res, method, monitor !== undefined, options);
  if (!runtime || !monitor) return;
  if (method === "GET") {
    sendJson(res, 200, { ok: true, registrations: monitor.status() });
    return;
  }
  if (!isJsonContentType(req.headers["content-type"])) {
    fail(res, 415, `unsupported content type '${req.headers["content-type"] ?? ""}': expected application/json`);
    return;
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, runtime.config.daemon.body_limit_bytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) fail(res, 413, error.message, { connection: "close" });
    else if (!req.socket.destroyed) throw error;
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    fail(res, 400, `invalid JSON body: ${(error as Error).message}`);
    return;
  }
  try {
    const registration = await monitor.register(body);
    sendJson(res, 202, { ok: true, session: registration.session });
  } catch (error) {
    if (error instanceof TmuxRegistrationError) fail(res, 400, error.message);
    else throw error;
  }
}
