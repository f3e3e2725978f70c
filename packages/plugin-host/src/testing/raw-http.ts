import { connect, type Socket } from "node:net";

/**
 * HTTP spoken by hand on loopback: the bad-input suites send bytes no client library would (broken
 * request lines, escapes and framing, a byte at a time, nothing at all) and read back exactly what the
 * server wrote. Replies are kept as latin1 text, so every byte survives whatever the server sent.
 */

const LOOPBACK = "127.0.0.1";

/** A reset or a write after the server closed: the server refused us, and what it wrote first is the reply. */
const isRefusal = (error: NodeJS.ErrnoException) => error.code === "ECONNRESET" || error.code === "EPIPE";

export interface RawExchangeOptions {
  /** The exchange ends after this long even if the server keeps the socket open; default 5 s. */
  timeoutMs?: number;
  /** Half-close after writing, so the server reads the end of the request bytes at once. */
  halfClose?: boolean;
  /**
   * Stop once one whole final response is read, so an exchange the server keeps open (a `101`
   * upgrade, a keep-alive answer) ends without waiting for a close.
   */
  untilResponse?: boolean;
}

/**
 * Writes `bytes` on a fresh connection and resolves with everything the server wrote until it
 * closed (or the exchange ended by `options`); `""` when it wrote nothing.
 */
export function rawExchange(port: number, bytes: string | Buffer, options: RawExchangeOptions = {}): Promise<string> {
  const { timeoutMs = 5_000, halfClose = false, untilResponse = false } = options;
  return new Promise((resolve, reject) => {
    const socket = connect(port, LOOPBACK);
    let reply = "";
    const bound = setTimeout(() => socket.destroy(), timeoutMs);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      reply += chunk;
      if (untilResponse && isWholeResponse(finalResponse(reply))) socket.destroy();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (!isRefusal(error)) reject(error);
    });
    socket.on("close", () => {
      clearTimeout(bound);
      resolve(reply);
    });
    if (halfClose) socket.end(bytes);
    else socket.write(bytes);
  });
}

/** `raw` without the interim responses (`100 Continue`, `103 Early Hints`) in front of the final one; `101` is final. */
function finalResponse(raw: string): string {
  return raw.replace(/^(?:HTTP\/1\.[01] 1(?!01)\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, "");
}

/** True once `response` holds its head and its whole body (framed by `content-length`, chunks, or none). */
function isWholeResponse(response: string): boolean {
  const headEnd = response.indexOf("\r\n\r\n");
  if (headEnd < 0) return false;
  const head = response.slice(0, headEnd);
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) return response.endsWith("\r\n0\r\n\r\n");
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  return Buffer.byteLength(response, "latin1") >= headEnd + 4 + length;
}

/** The status of the final response in `raw` (interim `1xx` skipped), or 0 when the server wrote none. */
export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.[01] (\d{3})\b/.exec(finalResponse(raw))?.[1] ?? 0);
}

/**
 * The body of the first final response in `raw`, framed by its `content-length` (a server may answer
 * pipelined bytes with a second response) or by the close; chunks are not decoded.
 */
export function bodyTextOf(raw: string): string {
  const response = finalResponse(raw);
  const headEnd = response.indexOf("\r\n\r\n");
  if (headEnd < 0) return "";
  const length = /\r\ncontent-length: *(\d+)/i.exec(response.slice(0, headEnd))?.[1];
  const body = response.slice(headEnd + 4);
  return length === undefined ? body : body.slice(0, Number(length));
}

/** The JSON body of the first final response in `raw`. */
export function bodyOf(raw: string): unknown {
  return JSON.parse(bodyTextOf(raw));
}

/** A connection held open by a test, and what the server wrote on it by the time it closed it. */
export interface HeldSocket {
  socket: Socket;
  /** Everything the server wrote, once it closed the socket; rejects when it did not within the bound. */
  closed: Promise<string>;
}

/** Reads `socket` to its close; past `timeoutMs` it is destroyed and the returned promise rejects. */
function readToClose(socket: Socket, timeoutMs: number, what: string): Promise<string> {
  const closed = new Promise<string>((resolve, reject) => {
    let reply = "";
    const bound = setTimeout(() => {
      reject(new Error(`the server kept ${what} open for more than ${timeoutMs} ms`));
      socket.destroy();
    }, timeoutMs);
    bound.unref();
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      reply += chunk;
    });
    socket.on("close", () => {
      clearTimeout(bound);
      resolve(reply);
    });
  });
  // A test that fails first never awaits the rest: their rejection must not surface as unhandled.
  closed.catch(() => {});
  return closed;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, LOOPBACK, () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.on("error", () => {});
    socket.once("error", reject);
  });
}

/**
 * Opens `count` connections that say nothing (the caller may write on them) and resolves once all are
 * connected. Each one's `closed` waits for the server to close it, at most `timeoutMs` (default 30 s).
 */
export async function idleSockets(port: number, count: number, options: { timeoutMs?: number } = {}): Promise<HeldSocket[]> {
  const sockets = await Promise.all(Array.from({ length: count }, () => openSocket(port)));
  return sockets.map((socket) => ({ socket, closed: readToClose(socket, options.timeoutMs ?? 30_000, "an idle socket") }));
}

export interface TrickleOptions {
  /** Sent one character per interval, round and round, after the head; default `"x"`. */
  drip?: string;
  /** Default 100 ms. */
  intervalMs?: number;
  /** How long the server may keep the socket open before the trickle fails; default 30 s. */
  timeoutMs?: number;
}

export interface TrickleResult {
  /** What the server wrote before it closed the socket. */
  reply: string;
  /** How many characters were dripped before the close. */
  drips: number;
}

/**
 * A slow sender: writes `head` at once, then one character of `drip` per interval for as long as the
 * server keeps the socket open. A server with a request or header timeout cuts it off; one without
 * never does, and the trickle rejects past `timeoutMs`.
 */
export async function trickle(port: number, head: string, options: TrickleOptions = {}): Promise<TrickleResult> {
  const { drip = "x", intervalMs = 100, timeoutMs = 30_000 } = options;
  const socket = await openSocket(port);
  const closed = readToClose(socket, timeoutMs, "a trickling socket");
  if (head) socket.write(head);
  let drips = 0;
  const timer = setInterval(() => {
    if (socket.writable) socket.write(drip[drips % drip.length] as string);
    drips += 1;
  }, intervalMs);
  try {
    return { reply: await closed, drips };
  } finally {
    clearInterval(timer);
  }
}
