import { ClawhipNativeHookBodySchema } from "@clawbridge/contracts";
import type { z } from "zod";
import type { IncomingEvent } from "./incoming.js";
import { pathBaseName } from "./inference.js";
import { IngressError } from "./ingress-error.js";
import { isRecord, type JsonRecord, nonBlank, setOwn } from "./json.js";
import { tmuxFieldsOf } from "./tmux-fields.js";

/**
 * The shared hook names (and the spellings upstream accepts for them) → canonical kinds and the
 * `normalized_event` label each carries. A Map, so `constructor` or `__proto__` is an unknown name.
 */
const SHARED_EVENTS: ReadonlyMap<string, readonly [kind: string, label: string]> = new Map(
  (
    [
      [["sessionstart", "session-start", "session.started", "started"], "session.started", "started"],
      [["pretooluse", "pre-tool-use"], "tool.pre", "pre-tool-use"],
      [["posttooluse", "post-tool-use"], "tool.post", "post-tool-use"],
      [
        ["userpromptsubmit", "user-prompt-submit", "prompt-submitted", "session.prompt-submitted"],
        "session.prompt-submitted",
        "prompt-submitted",
      ],
      [["stop", "sessionstop", "session-stopped"], "session.stopped", "stop"],
    ] as const
  ).flatMap(([names, kind, label]) => names.map((name) => [name, [kind, label] as const] as const)),
);

/** The canonical kind of a provider hook name, or undefined when it is not one of the shared five. */
export function sharedHookKind(name: string): string | undefined {
  return SHARED_EVENTS.get(name.trim().toLowerCase())?.[0];
}

/** `a/b/c` pointers, split once here rather than on every lookup. */
type Pointers = readonly (readonly string[])[];
const ptrs = (...paths: string[]): Pointers => paths.map((path) => path.split("/"));

const PROVIDER = ptrs("provider", "source/provider", "context/provider");
const EVENT_NAME = ptrs("event_name", "event", "hook_event_name", "hookEventName");
const DIRECTORY = ptrs(
  "directory",
  "cwd",
  "context/directory",
  "context/cwd",
  "source/directory",
  "projectPath",
  "context/projectPath",
  "repo_path",
  "worktree_path",
);
const WORKTREE_PATH = ptrs("worktree_path", "context/worktree_path");
const REPO_PATH = ptrs("repo_path", "context/repo_path");
const REPO_NAME = ptrs("repo_name", "context/repo_name", "project", "project_name", "projectName");
const PROJECT = ptrs("project", "project_name", "projectName", "context/project", "context/project_name", "context/projectName");
const PROJECT_ID = ptrs("project_id", "projectId", "context/project_id", "context/projectId");
const SOURCE = ptrs("source", "source/name", "context/source", "agent_name");
const SESSION_ID = ptrs(
  "session_id",
  "sessionId",
  "context/session_id",
  "context/sessionId",
  "event_payload/session_id",
  "event_payload/sessionId",
);
const TURN_ID = ptrs("turn_id", "turnId", "context/turn_id");
const TRANSCRIPT_PATH = ptrs("transcript_path", "transcriptPath", "context/transcript_path", "context/transcriptPath");
const MODEL = ptrs("model", "context/model");
const TOOL_NAME = ptrs("tool_name", "toolName", "context/tool_name", "event_payload/tool_name", "event_payload/toolName");

/** The first pointer that holds a non-blank string wins. */
function firstString(body: JsonRecord, pointers: Pointers): string | undefined {
  for (const pointer of pointers) {
    let value: unknown = body;
    for (const key of pointer) value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    const found = nonBlank(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

function metadataString(metadata: JsonRecord | undefined, keys: readonly string[]): string | undefined {
  if (metadata === undefined) return undefined;
  for (const key of keys) {
    const found = nonBlank(Object.hasOwn(metadata, key) ? metadata[key] : undefined);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A payload whose repo name is the leaf of its worktree (an agent launched in
 * `clawhip.omx-worktrees/fix-x` reports `fix-x`) is renamed to the repository's own name, so routes on
 * `repo_name` see one repository, not one per worktree.
 */
function canonicalRepoName(
  given: string | undefined,
  canonical: string | undefined,
  repoPath: string | undefined,
  worktreePath: string | undefined,
): string | undefined {
  if (given === undefined) return canonical;
  const repoLeaf = repoPath === undefined ? undefined : pathBaseName(repoPath);
  const worktreeLeaf = worktreePath === undefined ? undefined : pathBaseName(worktreePath);
  if (repoLeaf !== undefined && repoLeaf !== given && worktreeLeaf === given) return canonical ?? given;
  return given;
}

/** Adds `incoming`'s keys that `target[key]` lacks; never replaces a value that is there. */
function mergeObjectInto(target: JsonRecord, key: string, incoming: unknown): void {
  const existing = Object.hasOwn(target, key) ? target[key] : undefined;
  if (existing === undefined) {
    setOwn(target, key, incoming);
    return;
  }
  if (!isRecord(existing) || !isRecord(incoming)) return;
  for (const inner of Object.keys(incoming)) if (!Object.hasOwn(existing, inner)) setOwn(existing, inner, incoming[inner]);
}

function appendArrayInto(target: JsonRecord, key: string, incoming: unknown): void {
  if (!Array.isArray(incoming)) return;
  const existing = Object.hasOwn(target, key) ? target[key] : undefined;
  if (existing === undefined) setOwn(target, key, [...incoming]);
  else if (Array.isArray(existing)) existing.push(...incoming);
}

/**
 * `.clawhip/hooks/augment` output is additive: it may fill a missing summary and add context objects,
 * but the base routing fields (provider, event, paths, repo_name, project) are never replaced — an
 * augmenter's own `repo_name` lands in `message_context`, not at the top.
 */
function applyAugmentation(out: JsonRecord, augmentation: JsonRecord): void {
  const summary = nonBlank(augmentation.summary);
  if (summary !== undefined && !Object.hasOwn(out, "summary")) out.summary = summary;
  for (const [from, to] of [
    ["additional_context", "additional_context"],
    ["frontmatter", "frontmatter"],
    ["message", "message"],
    ["context", "message_context"],
  ] as const) {
    if (Object.hasOwn(augmentation, from) && augmentation[from] !== undefined)
      mergeObjectInto(out, to, structuredClone(augmentation[from]));
  }
  if (Object.hasOwn(augmentation, "recent_context")) appendArrayInto(out, "recent_context", augmentation.recent_context);
  out.augmentation = augmentation;
}

/** A Stop carries the prompt that started its turn: its summary becomes the event's summary when it has none. */
function applyStopContext(out: JsonRecord, stop: JsonRecord): void {
  const summary = nonBlank(stop.last_prompt_summary);
  if (summary !== undefined) {
    if (!Object.hasOwn(out, "summary")) out.summary = summary;
    out.last_prompt_summary = summary;
  }
  const at = nonBlank(stop.last_prompt_at);
  if (at !== undefined) out.last_prompt_at = at;
  const turn = nonBlank(stop.last_turn_id);
  if (turn !== undefined) out.last_turn_id = turn;
  out.stop_context = stop;
}

function recordAt(body: JsonRecord, ...keys: string[]): JsonRecord | undefined {
  for (const key of keys) {
    const value = Object.hasOwn(body, key) ? body[key] : undefined;
    if (isRecord(value)) return value;
  }
  return undefined;
}

const BODY_FIELDS: Readonly<Record<string, z.ZodType>> = ClawhipNativeHookBodySchema.shape;
/** True when no field of the body schema is required (a schema change that adds one turns the shortcut off). */
const ALL_OPTIONAL = Object.values(BODY_FIELDS).every((field) => field.safeParse(undefined).success);

/**
 * Whether the body satisfies `ClawhipNativeHookBodySchema`. The schema keeps unknown keys and needs none
 * of its own, so a body is valid exactly when each of its keys that the schema names is: only those are
 * checked, rather than every one of the schema's thirty-odd fields. A body that fails is parsed whole,
 * for zod's own account of the first problem.
 */
function fieldsValid(input: JsonRecord): boolean {
  if (!ALL_OPTIONAL) return ClawhipNativeHookBodySchema.safeParse(input).success;
  for (const key in input) {
    if (!Object.hasOwn(BODY_FIELDS, key)) continue;
    if (!(BODY_FIELDS[key] as z.ZodType).safeParse(input[key]).success) return false;
  }
  return true;
}

/**
 * Decodes a provider-native hook body of upstream's 0.6.x contract (`POST /api/native/v1/hook`, what
 * `clawhip native hook` sends): one of the five shared events → `session.started`, `tool.pre`,
 * `tool.post`, `session.prompt-submitted` or `session.stopped`, with provider, paths, repo and project
 * metadata, session/turn ids, tmux pane, augmentation and stop context lifted to the top level. Pure:
 * the repository root and `.clawhip/project.json` are read by the bridge (`collectHookContext`), never
 * by the daemon from a path a client names.
 */
export function decodeNativeHookV1(input: unknown): IncomingEvent {
  if (!isRecord(input)) throw new IngressError(400, "a native hook body is a JSON object");
  if (!fieldsValid(input)) {
    const parsed = ClawhipNativeHookBodySchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new IngressError(400, `invalid native hook body: ${issue?.path.join(".") || "body"}: ${issue?.message}`);
    }
  }
  const body = input;
  const provider = firstString(body, PROVIDER) ?? "unknown";
  const eventName = firstString(body, EVENT_NAME);
  if (eventName === undefined) throw new IngressError(400, "missing native hook event name");
  const shared = SHARED_EVENTS.get(eventName.trim().toLowerCase());
  if (shared === undefined) throw new IngressError(400, `unsupported native hook event '${eventName}'`);
  const [kind, label] = shared;

  const directory = firstString(body, DIRECTORY);
  const worktreePath = firstString(body, WORKTREE_PATH) ?? directory;
  const repoPath = firstString(body, REPO_PATH);
  const metadata = recordAt(body, "project_metadata");
  const givenRepoName = firstString(body, REPO_NAME);
  const rootForName = repoPath ?? worktreePath;
  const canonical =
    metadataString(metadata, ["repo_name", "repo", "name"]) ?? (rootForName === undefined ? undefined : pathBaseName(rootForName));
  const repoName = canonicalRepoName(givenRepoName, canonical, repoPath, worktreePath);
  const projectName = firstString(body, PROJECT) ?? metadataString(metadata, ["name", "project_name"]);
  const projectId = firstString(body, PROJECT_ID) ?? metadataString(metadata, ["id", "project_id"]);
  const source = firstString(body, SOURCE) ?? provider;
  const sessionId = firstString(body, SESSION_ID);
  const eventPayload = recordAt(body, "event_payload", "payload") ?? {};

  const out: JsonRecord = {
    provider,
    source,
    tool: provider,
    agent_name: provider,
    event_name: eventName,
    hook_event_name: eventName,
    normalized_event: label,
    event_payload: eventPayload,
    payload: body,
  };
  const optional: Array<[string, string | undefined]> = [
    ["directory", directory],
    ["worktree_path", worktreePath],
    ["repo_path", repoPath],
    ["repo_name", repoName],
    ["project", projectName],
    ["project_name", projectName],
    ["project_id", projectId],
    ["session_id", sessionId],
    ["turn_id", firstString(body, TURN_ID)],
    ["transcript_path", firstString(body, TRANSCRIPT_PATH)],
    ["model", firstString(body, MODEL)],
    ["tool_name", firstString(body, TOOL_NAME)],
  ];
  for (const [key, value] of optional) if (value !== undefined) out[key] = value;
  if (metadata !== undefined) out.project_metadata = metadata;
  Object.assign(out, tmuxFieldsOf(eventPayload), tmuxFieldsOf(body));

  const augmentation = recordAt(body, "augmentation") ?? recordAt(eventPayload, "augmentation");
  if (augmentation !== undefined) applyAugmentation(out, augmentation);
  const stop = recordAt(body, "stop_context") ?? recordAt(eventPayload, "stop_context");
  if (stop !== undefined) applyStopContext(out, stop);
  return { kind, payload: out };
}
