import type { IncomingMessage, ServerResponse } from "node:http";

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the ${limit}-byte limit`);
  }
}

/** After an oversized body, at most this much more is drained so the 413 reaches the client. */
const DRAIN_CAP_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops buffering and drains (bounded)
 * the rest, then rejects with `BodyTooLargeError`, so the client reads the 413 instead of a reset.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (!tooLarge && size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > limit + DRAIN_CAP_BYTES) {
        req.pause();
        reject(new BodyTooLargeError(limit));
      }
    });
    req.on("end", () => {
      if (tooLarge) reject(new BodyTooLargeError(limit));
      else resolvePromise(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

/** Answers with a JSON body (no-store); after headers went out it can only end the response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(text);
}
