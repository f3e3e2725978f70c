import type { ServerResponse } from "node:http";
import { sendJson } from "../http-io.js";

export { BodyTooLargeError, readBody, sendJson } from "../http-io.js";
export { hasBearer } from "../server-guard.js";

export function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { ok: false, error: { type, message } }, headers);
}
