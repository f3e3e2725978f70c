import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { type TemplatePiece, withMention } from "../route/dynamic-template.js";
import type { DeliveryPlan } from "../route/resolve-deliveries.js";

/** How long one `sh:`, `tmux_tail:` or `file_tail:` token may take before it is left as written. */
export const TOKEN_TIMEOUT_MS = 2000;
/** A token's value is cut to this many characters (and `…` appended), as upstream does. */
export const MAX_TOKEN_CHARS = 1200;
/** Lines a `tmux_tail:` or `file_tail:` token may ask for (a larger count is clamped). */
export const MAX_TAIL_LINES = 200;
/** Bytes of a command's stdout kept while it runs: memory stays bounded whatever it prints. */
export const MAX_TOKEN_OUTPUT_BYTES = 64 * 1024;

export interface TokenRunResult {
  /** The exit status; null when the command could not start, was killed, or ran out of time. */
  status: number | null;
  stdout: string;
}

/** Runs a command for a token: the deadline and the output bound are the runner's to enforce. */
export type TokenRun = (
  command: string,
  args: readonly string[],
  limits: { timeoutMs: number; maxBytes: number },
) => Promise<TokenRunResult>;

export interface TokenDeps {
  now: () => number;
  env: Readonly<Record<string, string | undefined>>;
  run: TokenRun;
  readFile: (path: string) => Promise<string>;
}

/**
 * The runner the daemon uses: the command in its own process group, killed (with its children) at the
 * deadline; stdout past `maxBytes` is read and dropped.
 */
export const systemTokenRun: TokenRun = (command, args, limits) =>
  new Promise((resolvePromise) => {
    const child = spawn(command, [...args], { stdio: ["ignore", "pipe", "ignore"], detached: true });
    const chunks: Buffer[] = [];
    let kept = 0;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, limits.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      if (kept >= limits.maxBytes) return;
      const part = chunk.subarray(0, limits.maxBytes - kept);
      chunks.push(part);
      kept += part.length;
    });
    child.on("error", () => {
      clearTimeout(timer);
      resolvePromise({ status: null, stdout: "" });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ status: timedOut ? null : code, stdout: Buffer.concat(chunks).toString("utf8") });
    });
  });

export const systemTokenDeps: TokenDeps = {
  now: () => Date.now(),
  env: process.env,
  run: systemTokenRun,
  readFile: (path) => readFile(path, "utf8"),
};

/** Trimmed and cut to MAX_TOKEN_CHARS characters (code points), with `…` when cut. */
export function capTokenOutput(value: string): string {
  const chars = [...value.trim()];
  return chars.length > MAX_TOKEN_CHARS ? `${chars.slice(0, MAX_TOKEN_CHARS).join("")}…` : chars.join("");
}

/** `target:lines` (the last colon splits): the lines clamped to 1..MAX_TAIL_LINES; undefined when malformed. */
function tailSpec(spec: string): { target: string; lines: number } | undefined {
  const colon = spec.lastIndexOf(":");
  if (colon === -1) return undefined;
  const count = spec.slice(colon + 1);
  if (!/^\d+$/.test(count)) return undefined;
  return { target: spec.slice(0, colon), lines: Math.min(Math.max(Number(count), 1), MAX_TAIL_LINES) };
}

async function runToken(deps: TokenDeps, command: string, args: readonly string[]): Promise<string | undefined> {
  const result = await deps.run(command, args, { timeoutMs: TOKEN_TIMEOUT_MS, maxBytes: MAX_TOKEN_OUTPUT_BYTES });
  return result.status === 0 ? capTokenOutput(result.stdout) : undefined;
}

async function tailOfFile(deps: TokenDeps, path: string, lines: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolvePromise) => {
    timer = setTimeout(() => resolvePromise(undefined), TOKEN_TIMEOUT_MS);
  });
  try {
    const text = await Promise.race([deps.readFile(path).catch(() => undefined), deadline]);
    if (text === undefined) return undefined;
    const all = text.split(/\r?\n/);
    if (all.at(-1) === "") all.pop();
    return capTokenOutput(all.slice(-lines).join("\n"));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A token's value, or undefined when it cannot be had (unknown name, unset variable, a command that
 * fails, runs out of time or cannot start, a missing file): the caller then leaves the token as written.
 */
export async function evaluateToken(token: string, deps: TokenDeps): Promise<string | undefined> {
  if (token === "now") return String(Math.floor(deps.now() / 1000));
  if (token === "iso_time") return new Date(deps.now()).toISOString();
  if (token.startsWith("env:")) {
    const value = deps.env[token.slice(4)];
    return value === undefined ? undefined : capTokenOutput(value);
  }
  if (token.startsWith("sh:")) return runToken(deps, "sh", ["-lc", token.slice(3)]);
  if (token.startsWith("tmux_tail:")) {
    const spec = tailSpec(token.slice(10));
    if (!spec) return undefined;
    const tmux = deps.env.CLAWHIP_TMUX_BIN || "tmux";
    return runToken(deps, tmux, ["capture-pane", "-p", "-t", spec.target, "-S", `-${spec.lines}`]);
  }
  if (token.startsWith("file_tail:")) {
    const spec = tailSpec(token.slice(10));
    return spec ? tailOfFile(deps, spec.target, spec.lines) : undefined;
  }
  return undefined;
}

/** The pieces as text, each token evaluated in turn (as upstream does) or left as written. */
export async function expandPieces(pieces: readonly TemplatePiece[], deps: TokenDeps): Promise<string> {
  let out = "";
  for (const piece of pieces) {
    if (typeof piece === "string") {
      out += piece;
      continue;
    }
    out += (await evaluateToken(piece.token, deps)) ?? `{${piece.token}}`;
  }
  return out;
}

/**
 * The plan with every dynamic delivery's tokens evaluated into its body (and content, after the
 * mention). Both runtimes run it before a job is made durable, so a retry or a resend after a restart
 * sends the text the first attempt would have.
 */
export async function expandDynamicDeliveries(plan: DeliveryPlan & { ok: true }, deps: TokenDeps): Promise<DeliveryPlan> {
  const deliveries = [];
  for (const delivery of plan.deliveries) {
    if (!delivery.dynamic) {
      deliveries.push(delivery);
      continue;
    }
    const body = await expandPieces(delivery.dynamic, deps);
    deliveries.push({ ...delivery, body, content: withMention(delivery.mention, body) });
  }
  return { ...plan, deliveries };
}

/** Whether accepting this outcome needs `expandDynamicDeliveries` first. */
export function hasDynamicDeliveries(plan: DeliveryPlan): plan is DeliveryPlan & { ok: true } {
  return plan.ok && plan.deliveries.some((d) => d.dynamic !== undefined);
}
