import type { CommandResult } from "../commands/context.js";
import { isOomiError, OomiError } from "../errors.js";

export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Keys whose values are secrets; they never reach stdout or stderr. */
const SECRET_KEYS = new Set(["deviceToken", "token", "authorization", "privateKeyPem"]);

/** What a secret reads as in any output. */
export const REDACTED = "[redacted]";

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) ? REDACTED : redact(v)]));
  }
  return value;
}

function humanLines(result: Record<string, unknown>, indent = ""): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (key === "ok") continue;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      lines.push(`${indent}${key}:`, ...humanLines(value as Record<string, unknown>, `${indent}  `));
    } else {
      lines.push(`${indent}${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`);
    }
  }
  return lines;
}

/** Renders a command's result; returns the exit code (0 when `ok`, else 1). */
export function renderResult(result: CommandResult, json: boolean, streams: Streams): number {
  const safe = redact(result) as CommandResult;
  // A failure's message is on stderr in both modes: under --json a reader of stdout gets the document, a person the reason.
  if (!safe.ok) streams.stderr(`oomi: ${(safe.error as { message?: string } | undefined)?.message ?? "failed"}\n`);
  if (json) streams.stdout(`${JSON.stringify(safe)}\n`);
  else streams.stdout(`${humanLines(safe).join("\n")}\n`);
  return safe.ok ? 0 : 1;
}

/** Renders a thrown failure as the `--json` envelope or a stderr line; returns its exit code. */
export function renderFailure(error: unknown, json: boolean, streams: Streams): number {
  const failure = isOomiError(error) ? error : new OomiError("INTERNAL_ERROR", error instanceof Error ? error.message : String(error), 1);
  const envelope = {
    ok: false,
    error: { code: failure.code, message: failure.message, ...(failure.status ? { status: failure.status } : {}) },
  };
  if (json) streams.stdout(`${JSON.stringify(envelope)}\n`);
  streams.stderr(`oomi: ${failure.message}\n`);
  return failure.exitCode;
}
