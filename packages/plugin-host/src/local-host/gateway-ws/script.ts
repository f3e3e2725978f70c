/** One step of a scripted run. */
export type ScriptStep =
  | { kind: "tool"; name: string; args: Record<string, unknown> }
  | { kind: "approval"; commandText: string }
  | { kind: "reply"; repeat: number }
  | { kind: "runtime-timeout" };

export interface RunScript {
  steps: ScriptStep[];
}

/**
 * The deterministic script of the local default agent, chosen by words in the message so that every
 * UI state can be reached without a model:
 * - `tool` (or `tool:<name>`) calls a loaded plugin tool (the named one, else the first) first;
 * - `approval` asks for an approval and waits for `exec.approval.resolve`;
 * - `long` streams the reply many times over (a run long enough to stop);
 * - `timeout` ends the run with a runtime timeout after a few deltas.
 * Everything else streams the agent's reply once.
 */
export function planScriptedRun(message: string, availableTools: readonly string[]): RunScript {
  const steps: ScriptStep[] = [];
  const lower = message.toLowerCase();
  const named = /\btool:([a-z0-9_.-]+)/i.exec(message)?.[1];
  if (named || /\btool\b/.test(lower)) {
    const name = named ?? availableTools[0];
    if (name) steps.push({ kind: "tool", name, args: {} });
  }
  if (/\bapproval\b/.test(lower)) steps.push({ kind: "approval", commandText: `run: ${message.trim().slice(0, 80)}` });
  if (/\btimeout\b/.test(lower)) {
    steps.push({ kind: "reply", repeat: 1 }, { kind: "runtime-timeout" });
    return { steps };
  }
  steps.push({ kind: "reply", repeat: /\blong\b/.test(lower) ? 400 : 1 });
  return { steps };
}

/** Splits a reply into word-sized deltas (each keeps its trailing space), so the UI streams visibly. */
export function replyDeltas(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}
