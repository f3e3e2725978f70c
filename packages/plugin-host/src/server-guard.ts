import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";

/**
 * The defences every clawbridge HTTP server shares, so that no request can crash a server or hold it:
 * request targets that parse or are a 400, handlers whose failures stay inside their request, timeouts
 * on slow senders, a connection cap with a clear refusal, constant-time secret checks and idle-socket
 * reaping. Each server keeps its own error envelope (`errorBody`).
 */

/** A request target (path, `%` escape) that cannot be parsed: the client's fault, answered 400. */
export class RequestTargetError extends Error {
  readonly status = 400;
  readonly code = "bad_request";
}

export interface RequestTarget {
  pathname: string;
  searchParams: URLSearchParams;
}

/** RFC 3986 `pchar`s and `/`: what an origin-form path may hold (a `%` must start an escape). */
const PATH_CHARS = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
/** A query is read leniently (clients send `[]` and `|` unescaped) but its escapes must be whole. */
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/**
 * The path and query of a request target. A path outside RFC 3986's characters (`//[`) or with a
 * broken `%` escape is a `RequestTargetError` (400). The target is appended to a fixed origin, never
 * given to `new URL` as a reference, because `//a:99999/` would then be read as a host and throw: a
 * leading `//` stays part of the path.
 */
export function requestTarget(req: Pick<IncomingMessage, "url">): RequestTarget {
  const raw = req.url ?? "/";
  const queryAt = raw.search(/[?#]/);
  const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const query = queryAt < 0 ? "" : raw.slice(queryAt);
  if (!PATH_CHARS.test(path) || BAD_ESCAPE.test(query)) throw new RequestTargetError(`malformed request target: ${truncate(raw)}`);
  let url: URL;
  try {
    url = new URL(`http://local${raw}`);
  } catch {
    throw new RequestTargetError(`malformed request target: ${truncate(raw)}`);
  }
  return { pathname: url.pathname, searchParams: url.searchParams };
}

/** Decodes one `%`-escaped path segment; a bad escape (`%zz`) is a 400, never a 500. */
export function decodePathParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RequestTargetError(`malformed %-escape in path segment: ${truncate(raw)}`);
  }
}

const truncate = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

/**
 * Compares a secret in constant time. Both sides are hashed first, so neither the content nor the
 * length of the expected secret leaks through timing; `undefined` never matches.
 */
export function secretEquals(given: string | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req: Pick<IncomingMessage, "headers">): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Constant-time check of `Authorization: Bearer <token>`. */
export function hasBearer(req: Pick<IncomingMessage, "headers">, token: string): boolean {
  return secretEquals(bearerToken(req), token);
}

export interface ServerGuardOptions {
  /** The server's own error envelope for a status, a stable code and a message. */
  errorBody: (status: number, code: string, message: string) => unknown;
  /** Where a handler failure is logged once: method and path only (no query, headers or body). */
  log?: (line: string) => void;
  /** Open sockets (HTTP and WebSocket) past which a new one is refused with a 503; default 512. */
  maxConnections?: number;
  /** Time for a client to send the request headers; default 10 s. */
  headersTimeoutMs?: number;
  /** Time for a client to send the whole request (headers and body); default 30 s. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive socket is kept; default 5 s. */
  keepAliveTimeoutMs?: number;
}

export const DEFAULT_MAX_CONNECTIONS = 512;

/** Writes a JSON error response on a raw socket (before an HTTP response object exists) and closes it. */
export function refuseSocket(socket: Duplex, status: number, reason: string, body: unknown): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
      `cache-control: no-store\r\nconnection: close\r\n\r\n${text}`,
  );
  // A peer that never reads would keep the socket open; it is closed shortly after the refusal.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Hardens a node:http server in place: request and header timeouts, a JSON 400/408/431 for requests
 * the parser refuses (a JSON 417 for an unsupported `Expect`, a JSON 405 for a CONNECT), and a
 * connection cap whose refusal is a 503 JSON body instead of a silent drop.
 */
export function guardHttpServer(server: Server, options: ServerGuardOptions): void {
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
  const max = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  let open = 0;
  server.on("connection", (socket: Duplex) => {
    open += 1;
    socket.once("close", () => {
      open -= 1;
    });
    if (open > max) {
      refuseSocket(
        socket,
        503,
        "Service Unavailable",
        options.errorBody(503, "too_many_connections", `more than ${max} open connections; retry later`),
      );
    }
  });
  // Without a listener node drops a CONNECT without a word; these servers are no proxies, and say so.
  // A server that handles CONNECT itself adds its own listener, and this one steps aside.
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    if (server.listenerCount("connect") > 1) return;
    socket.on("error", () => socket.destroy());
    refuseSocket(
      socket,
      405,
      "Method Not Allowed",
      options.errorBody(405, "method_not_allowed", "CONNECT is not supported: this server is no proxy"),
    );
  });
  // Node's own answer to an `Expect` other than 100-continue is a bodiless 417.
  server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
    respondError(res, 417, "expectation_failed", `expectation failed: only "Expect: 100-continue" is supported`, options);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, code] =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? ([408, "Request Timeout", "request_timeout"] as const)
        : error.code === "HPE_HEADER_OVERFLOW"
          ? ([431, "Request Header Fields Too Large", "headers_too_large"] as const)
          : ([400, "Bad Request", "bad_request"] as const);
    refuseSocket(socket, status, reason, options.errorBody(status, code, `${reason.toLowerCase()}: the request could not be read`));
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * `createServer` with `guardHandler` around the handler and `guardHttpServer` applied. The server checks
 * its request and header timeouts every second (node's default is every 30 s, which lets a slow
 * sender hold a socket well past its timeout). A missing `Host` is refused by `guardHandler`, in the
 * server's envelope, instead of by node's bodiless 400.
 */
export function createGuardedServer(handler: Handler, options: ServerGuardOptions): Server {
  const server = createServer({ connectionsCheckingInterval: 1000, requireHostHeader: false }, guardHandler(handler, options));
  guardHttpServer(server, options);
  return server;
}

/**
 * Wraps a request handler so that nothing escapes it: a `RequestTargetError` is a 400, any other throw
 * or rejection a 500 for that request only, logged once with the method and path. An HTTP/1.1
 * request without `Host` (which RFC 9112 requires) is a 400 before the handler runs.
 */
export function guardHandler(
  handler: Handler,
  options: Pick<ServerGuardOptions, "errorBody" | "log">,
): (req: IncomingMessage, res: ServerResponse) => void {
  const answer = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    if (error instanceof RequestTargetError) return respondError(res, 400, error.code, error.message, options);
    // A client that hung up, or that the request timeout cut off, mid-body has nobody left to answer:
    // its doing, not a failure of the server to log.
    if (isClientGone(req, error)) return;
    options.log?.(
      `${req.method ?? "?"} ${safePath(req)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    respondError(res, 500, "internal", "internal error", options);
  };
  return (req, res) => {
    if (req.httpVersion === "1.1" && req.headers.host === undefined) {
      respondError(res, 400, "bad_request", "bad request: an HTTP/1.1 request needs a Host header", options);
      return;
    }
    try {
      const result = handler(req, res);
      if (result && typeof (result as Promise<unknown>).then === "function") {
        (result as Promise<unknown>).then(undefined, (error: unknown) => answer(req, res, error));
      }
    } catch (error) {
      answer(req, res, error);
    }
  };
}

function respondError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  options: Pick<ServerGuardOptions, "errorBody">,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(options.errorBody(status, code, message));
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** True for the error a body read rejects with once the client's socket is gone (node's "aborted"). */
function isClientGone(req: IncomingMessage, error: unknown): boolean {
  return req.socket.destroyed && (error as NodeJS.ErrnoException | undefined)?.code === "ECONNRESET";
}

/** The path of a request for a log line: no query string (it may carry a token), bounded. */
function safePath(req: IncomingMessage): string {
  const raw = req.url ?? "/";
  const end = raw.search(/[?#]/);
  return truncate(end < 0 ? raw : raw.slice(0, end));
}

export interface WebSocketHeartbeatOptions {
  /** How often every socket is pinged; one that has not answered the previous ping is terminated. */
  intervalMs?: number;
}

/**
 * Pings every socket of a WebSocket server on an interval and terminates the ones that did not
 * answer the previous ping, so dead and idle peers do not hold connections forever. Returns a stop.
 */
export function heartbeatWebSockets(wss: WebSocketServer, options: WebSocketHeartbeatOptions = {}): () => void {
  const alive = new WeakSet<WebSocket>();
  wss.on("connection", (socket: WebSocket) => {
    alive.add(socket);
    socket.on("pong", () => alive.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, options.intervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}
