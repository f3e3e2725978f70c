import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody } from "@clawbridge/plugin-host";
import type { z } from "zod";

export { sendJson } from "@clawbridge/plugin-host";

export const MAX_BODY_BYTES = 1024 * 1024;

/** A failure the server answers with: HTTP status, a stable code, a message, and the bad field on a 400. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Reads a JSON body up to MAX_BODY_BYTES; oversize is a 413, invalid JSON a 400, empty an empty object. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new HttpError(413, "body_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
    throw error;
  }
  const text = raw.toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "request body is not valid JSON");
  }
}

/** Validates a body; the first issue becomes a 400 that names its field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") || "(body)";
  throw new HttpError(400, "invalid_field", `${field}: ${issue?.message ?? "invalid"}`, field);
}

export function sendHtml(res: ServerResponse, html: string, status = 200): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) });
  res.end(html);
}
