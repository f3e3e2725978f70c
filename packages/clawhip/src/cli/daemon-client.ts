import { CliExitCode } from "@clawbridge/contracts";
import { CliError } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";

export interface DaemonReply {
  status: number;
  body: unknown;
}

/** POSTs a JSON body to the daemon; an unreachable daemon is a runtime failure (exit 1). */
export function postToDaemon(io: CliIo, url: string, path: string, body: unknown, token: string | undefined): Promise<DaemonReply> {
  return requestDaemon(io, url, path, token, body);
}

/** GETs a daemon resource. */
export function getFromDaemon(io: CliIo, url: string, path: string, token: string | undefined): Promise<DaemonReply> {
  return requestDaemon(io, url, path, token, undefined);
}

async function requestDaemon(io: CliIo, url: string, path: string, token: string | undefined, body: unknown): Promise<DaemonReply> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Awaited<ReturnType<CliIo["fetch"]>>;
  let text: string;
  try {
    response = await io.fetch(`${url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    text = await response.text();
  } catch (error) {
    throw new CliError("daemon_unreachable", `cannot reach the clawhip daemon at ${url}: ${(error as Error).message}`, CliExitCode.failure);
  }
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A non-JSON reply is reported as text.
  }
  return { status: response.status, body: parsed };
}

/** 202 → the reply; 4xx → bad input (2); anything else → runtime failure (1). */
export function expectAccepted(reply: DaemonReply): DaemonReply {
  if (reply.status === 202) return reply;
  const message =
    reply.body && typeof reply.body === "object" && "error" in reply.body
      ? String((reply.body as { error: unknown }).error)
      : JSON.stringify(reply.body);
  const exit = reply.status >= 400 && reply.status < 500 && reply.status !== 401 ? CliExitCode.usage : CliExitCode.failure;
  throw new CliError(`daemon_${reply.status}`, `daemon answered ${reply.status}: ${message}`, exit);
}
