import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type ClawhipNativeHookBody,
  type ClawhipProjectMetadata,
  ClawhipProjectMetadataSchema,
  type ClawhipPromptSubmitState,
  ClawhipPromptSubmitStateSchema,
  type ClawhipStopContext,
} from "@clawbridge/contracts";
import { writeJsonAtomic } from "@clawbridge/plugin-host";
import { pathBaseName } from "../normalize/inference.js";
import { asU64ish, isRecord, type JsonRecord, nonBlank, setOwn } from "../normalize/json.js";
import { mapNativeSignal } from "../normalize/kinds.js";
import { sharedHookKind } from "../normalize/native-hook-v1.js";
import { tmuxFieldsOf } from "../normalize/tmux-fields.js";

export interface RunResult {
  status: number | null;
  stdout: string;
}

/** What collecting a hook's context touches besides files: processes (git, tmux), the environment, time. */
export interface HookContextDeps {
  run: (command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) => Promise<RunResult>;
  /** The hook's environment: git and tmux run with it (tmux finds its server through TMUX). */
  env: NodeJS.ProcessEnv;
  now: () => Date;
  warn: (message: string) => void;
}

/** git and tmux answer in milliseconds; a hung one must not hold the agent's hook. */
const RUN_TIMEOUT_MS = 5_000;

export const systemRun: HookContextDeps["run"] = (command, args, cwd, env) =>
  new Promise((resolvePromise) => {
    execFile(command, [...args], { cwd, env, timeout: RUN_TIMEOUT_MS, encoding: "utf8" }, (error, stdout) => {
      const status = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolvePromise({ status, stdout: stdout ?? "" });
    });
  });

export const PROJECT_FILE = join(".clawhip", "project.json");
export const AUGMENT_DIR = join(".clawhip", "hooks", "augment");
export const PROMPT_STATE_FILE = join(".clawhip", "state", "prompt-submit.json");
const PROMPT_SUMMARY_CHARS = 200;

async function gitLine(deps: HookContextDeps, cwd: string, args: readonly string[]): Promise<string | undefined> {
  const result = await deps.run("git", args, cwd, deps.env);
  return result.status === 0 ? nonBlank(result.stdout) : undefined;
}

/**
 * The repository a directory belongs to and the worktree it is in. Inside a linked worktree the common
 * git dir lives in the main checkout, so its parent is the repository (the identity routes should see);
 * `--show-toplevel` is the worktree. Outside git both are the directory itself.
 */
export async function repoRoots(deps: HookContextDeps, cwd: string): Promise<{ repoRoot: string; worktreeRoot: string }> {
  const worktreeRoot = (await gitLine(deps, cwd, ["rev-parse", "--show-toplevel"])) ?? cwd;
  const commonDir = await gitLine(deps, cwd, ["rev-parse", "--path-format=absolute", "--git-common-dir"]);
  return { repoRoot: commonDir ? dirname(commonDir) : worktreeRoot, worktreeRoot };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** `.clawhip/project.json` of the first root that has one; a file that is not valid metadata is reported, not used. */
export async function loadProjectMetadata(deps: HookContextDeps, roots: readonly string[]): Promise<ClawhipProjectMetadata | undefined> {
  for (const root of roots) {
    const path = join(root, PROJECT_FILE);
    let raw: unknown;
    try {
      raw = await readJson(path);
    } catch (error) {
      deps.warn(`ignoring ${path}: ${(error as Error).message}`);
      continue;
    }
    if (raw === undefined) continue;
    const parsed = ClawhipProjectMetadataSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    deps.warn(`ignoring ${path}: ${parsed.error.issues[0]?.message ?? "not project metadata"}`);
  }
  return undefined;
}

/** Merges `extra` into `base` without replacing anything `base` has: new keys are added, arrays appended, objects merged. */
export function mergeAdditive(base: JsonRecord, extra: JsonRecord): JsonRecord {
  const out: JsonRecord = { ...base };
  for (const key of Object.keys(extra)) {
    const mine = Object.hasOwn(out, key) ? out[key] : undefined;
    const theirs = extra[key];
    if (mine === undefined) setOwn(out, key, theirs);
    else if (Array.isArray(mine) && Array.isArray(theirs)) out[key] = [...mine, ...theirs];
    else if (isRecord(mine) && isRecord(theirs)) setOwn(out, key, mergeAdditive(mine, theirs));
  }
  return out;
}

/**
 * Runs the repository's augmenters (`.clawhip/hooks/augment/*.mjs|js|cjs`, in name order): each exports
 * a function (default or `augment`) that gets the payload and may return extra fields. Their results
 * are merged additively; the decoder then only adds them beside the base fields, never over them.
 */
export async function collectAugmentation(repoRoot: string, payload: JsonRecord): Promise<JsonRecord | undefined> {
  const dir = join(repoRoot, AUGMENT_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.(mjs|js|cjs)$/.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let merged: JsonRecord = {};
  for (const name of names) {
    const module = (await import(pathToFileURL(join(dir, name)).href)) as { default?: unknown; augment?: unknown };
    const augment = typeof module.default === "function" ? module.default : module.augment;
    if (typeof augment !== "function") continue;
    const result: unknown = await augment(structuredClone(payload));
    if (isRecord(result)) merged = mergeAdditive(merged, result);
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** The pane the hook runs in, asked of tmux itself when the hook runs inside tmux. */
async function tmuxFromServer(deps: HookContextDeps, cwd: string): Promise<JsonRecord> {
  const pane = deps.env.TMUX_PANE ?? "";
  if (!deps.env.TMUX && !pane) return {};
  const format = ["#{session_name}", "#{window_index}", "#{pane_id}", "#{pane_tty}", "#{session_attached}"].join("\u001f");
  const result = await deps.run("tmux", ["display-message", "-p", ...(pane ? ["-t", pane] : []), format], cwd, deps.env);
  if (result.status !== 0) return {};
  const [session, window, paneId, tty, attachedCount] = result.stdout.trim().split("\u001f");
  const out: JsonRecord = {};
  if (session) out.tmux_session = session;
  if (window) out.tmux_window = window;
  if (paneId) out.tmux_pane = paneId;
  if (tty) out.tmux_pane_tty = tty;
  const clients = asU64ish(attachedCount);
  if (clients !== undefined) {
    out.tmux_client_count = clients;
    out.tmux_attached = clients > 0;
  }
  return out;
}

function truncate(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= PROMPT_SUMMARY_CHARS ? trimmed : `${trimmed.slice(0, PROMPT_SUMMARY_CHARS)}…`;
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * Everything the bridge adds to a provider's hook JSON before it goes to the daemon: where the hook
 * ran (directory, repository, worktree), the project metadata, the tmux pane, augmenter output, and —
 * for UserPromptSubmit / Stop — the prompt state that gives a Stop its context. The provider's own
 * JSON travels unchanged in `event_payload`.
 */
export async function collectHookContext(
  input: unknown,
  provider: string,
  cwd: string,
  deps: HookContextDeps,
): Promise<ClawhipNativeHookBody> {
  const raw: JsonRecord = isRecord(input) ? input : {};
  const eventCwd = resolve(cwd, nonBlank(raw.cwd) ?? nonBlank(raw.directory) ?? ".");
  const { repoRoot, worktreeRoot } = await repoRoots(deps, eventCwd);
  const metadata = await loadProjectMetadata(deps, [...new Set([repoRoot, worktreeRoot, eventCwd])]);
  const eventName =
    nonBlank(raw.hook_event_name) ?? nonBlank(raw.hookEventName) ?? nonBlank(raw.event_name) ?? nonBlank(raw.event) ?? "unknown";

  const payload: ClawhipNativeHookBody = {
    provider,
    source: provider,
    directory: eventCwd,
    repo_path: repoRoot,
    worktree_path: worktreeRoot,
    event_name: eventName,
    hook_event_name: eventName,
    event_payload: raw,
  };
  const repoName = pathBaseName(repoRoot);
  if (repoName !== undefined) payload.repo_name = repoName;
  const copied: Array<[keyof ClawhipNativeHookBody, string | undefined]> = [
    ["session_id", str(raw.session_id) ?? str(raw.sessionId)],
    ["turn_id", str(raw.turn_id) ?? str(raw.turnId)],
    ["transcript_path", str(raw.transcript_path) ?? str(raw.transcriptPath)],
    ["model", str(raw.model)],
    ["tool_name", str(raw.tool_name) ?? str(raw.toolName)],
    ["prompt", str(raw.prompt)],
  ];
  for (const [key, value] of copied) if (value !== undefined) (payload as JsonRecord)[key] = value;
  if (raw.tool_input !== undefined) payload.tool_input = raw.tool_input;
  if (raw.tool_response !== undefined) payload.tool_response = raw.tool_response;
  Object.assign(payload, await tmuxFromServer(deps, cwd), tmuxFieldsOf(raw));

  if (metadata !== undefined) {
    payload.project_metadata = metadata;
    if (metadata.name) {
      payload.project = metadata.name;
      payload.project_name = metadata.name;
    }
    if (metadata.id) payload.project_id = metadata.id;
    if (metadata.repo_name) payload.repo_name = metadata.repo_name;
  }

  const augmentation = await collectAugmentation(repoRoot, payload as JsonRecord);
  if (augmentation !== undefined) payload.augmentation = augmentation;

  const kind = sharedHookKind(eventName) ?? mapNativeSignal(eventName);
  const statePath = join(worktreeRoot, PROMPT_STATE_FILE);
  if (kind === "session.prompt-submitted") {
    const state: ClawhipPromptSubmitState = {
      observed_at: deps.now().toISOString(),
      provider,
      event_name: eventName,
      session_id: payload.session_id ?? null,
      turn_id: payload.turn_id ?? null,
      prompt_summary: truncate(str(raw.prompt) ?? str(raw.user_prompt) ?? str(raw.message) ?? ""),
    };
    await writeJsonAtomic(statePath, ClawhipPromptSubmitStateSchema.parse(state));
  } else if (kind === "session.stopped") {
    const stop = await readStopContext(deps, statePath);
    if (stop !== undefined) payload.stop_context = stop;
  }
  return payload;
}

async function readStopContext(deps: HookContextDeps, path: string): Promise<ClawhipStopContext | undefined> {
  let raw: unknown;
  try {
    raw = await readJson(path);
  } catch (error) {
    deps.warn(`ignoring ${path}: ${(error as Error).message}`);
    return undefined;
  }
  if (raw === undefined) return undefined;
  const parsed = ClawhipPromptSubmitStateSchema.safeParse(raw);
  if (!parsed.success) {
    deps.warn(`ignoring ${path}: ${parsed.error.issues[0]?.message ?? "not prompt state"}`);
    return undefined;
  }
  return { last_prompt_at: parsed.data.observed_at, last_prompt_summary: parsed.data.prompt_summary, last_turn_id: parsed.data.turn_id };
}
