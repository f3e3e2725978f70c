import type { ToolArgumentIssue, ToolPayload, ToolResult } from "@clawbridge/contracts";
import type { z } from "zod";

/** Wraps a payload the way every clawbridge tool answers: its JSON as text, and itself as `details`. */
export function jsonToolResult<P extends ToolPayload>(payload: P): ToolResult<P> {
  return { content: [{ type: "text", text: JSON.stringify(payload) }], details: payload };
}

/** A domain failure: `success:false` with a message that says what went wrong and what to do. */
export function failure(error: string, extra: Record<string, unknown> = {}): ToolPayload {
  return { ...extra, success: false, error };
}

/** Turns zod issues into one issue per bad field, with a readable dotted path. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): ToolArgumentIssue[] {
  return issues.map((issue) => ({
    path: issue.path.length === 0 ? "(arguments)" : issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** `a: msg; b.c: msg` — the one-line form of argument issues used in error messages. */
export function formatIssues(issues: readonly ToolArgumentIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
