import { z } from "zod";

/**
 * The five hook events Codex and Claude Code both fire: the shared surface of upstream's 0.6.x
 * provider-native contract. Provider-specific extras stay off the shared route surface.
 */
export const ClawhipSharedHookEventSchema = z.enum(["SessionStart", "PreToolUse", "PostToolUse", "UserPromptSubmit", "Stop"]);
export type ClawhipSharedHookEvent = z.infer<typeof ClawhipSharedHookEventSchema>;

/** Providers `clawhip hooks install` knows how to register with. */
export const ClawhipHookProviderSchema = z.enum(["codex", "claude-code"]);
export type ClawhipHookProvider = z.infer<typeof ClawhipHookProviderSchema>;

const text = z.string();
const json = z.record(z.string(), z.unknown());
/** tmux reports attachment as a count or a word; upstream accepts booleans, numbers and yes/no words. */
const boolish = z.union([z.boolean(), z.number(), z.string()]);
const countish = z.union([z.number().int().min(0), z.string()]);

/** `.clawhip/project.json` in a repo (or worktree) root: routing metadata for that project. */
export const ClawhipProjectMetadataSchema = z.looseObject({
  id: text.optional(),
  project_id: text.optional(),
  name: text.optional(),
  project_name: text.optional(),
  repo_name: text.optional(),
  repo: text.optional(),
});
export type ClawhipProjectMetadata = z.infer<typeof ClawhipProjectMetadataSchema>;

/** What a Stop event knows about the prompt that started the turn it ends. */
export const ClawhipStopContextSchema = z.looseObject({
  last_prompt_at: text.nullable().optional(),
  last_prompt_summary: text.nullable().optional(),
  last_turn_id: text.nullable().optional(),
});
export type ClawhipStopContext = z.infer<typeof ClawhipStopContextSchema>;

/** `<worktree>/.clawhip/state/prompt-submit.json`: the last UserPromptSubmit, read back by the next Stop. */
export const ClawhipPromptSubmitStateSchema = z.strictObject({
  observed_at: text,
  provider: text,
  event_name: text,
  session_id: text.nullable(),
  turn_id: text.nullable(),
  prompt_summary: text,
});
export type ClawhipPromptSubmitState = z.infer<typeof ClawhipPromptSubmitStateSchema>;

/**
 * The body of `POST /api/native/v1/hook` (upstream 0.6.x `clawhip native hook`): the provider's own hook
 * JSON in `event_payload`, plus the routing context the bridge adds (repo and worktree roots, project
 * metadata, tmux pane, augmentation, stop context). Every field is optional here; the decoder says which
 * are needed. Fields a provider adds that clawhip does not model pass through untouched.
 */
export const ClawhipNativeHookBodySchema = z.looseObject({
  provider: text.optional(),
  source: z.union([text, json]).optional(),
  event_name: text.optional(),
  event: text.optional(),
  hook_event_name: text.optional(),
  hookEventName: text.optional(),
  directory: text.optional(),
  cwd: text.optional(),
  repo_path: text.optional(),
  worktree_path: text.optional(),
  repo_name: text.optional(),
  project: text.optional(),
  project_name: text.optional(),
  project_id: text.optional(),
  project_metadata: ClawhipProjectMetadataSchema.optional(),
  session_id: text.optional(),
  turn_id: text.optional(),
  transcript_path: text.optional(),
  model: text.optional(),
  tool_name: text.optional(),
  tool_input: z.unknown().optional(),
  tool_response: z.unknown().optional(),
  prompt: text.optional(),
  tmux_session: text.optional(),
  tmux_window: text.optional(),
  tmux_pane: text.optional(),
  tmux_pane_tty: text.optional(),
  tmux_attached: boolish.optional(),
  tmux_client_count: countish.optional(),
  augmentation: json.optional(),
  stop_context: ClawhipStopContextSchema.optional(),
  event_payload: json.optional(),
  payload: json.optional(),
  context: json.optional(),
});
export type ClawhipNativeHookBody = z.infer<typeof ClawhipNativeHookBodySchema>;

/** One command hook in a provider's hooks file (`~/.codex/hooks.json`, `~/.claude/settings.json`). */
export const ClawhipProviderHookSchema = z.looseObject({ type: text, command: text.optional() });

/** A matcher group: the hooks run for one event (and, for tool events, the tools the matcher selects). */
export const ClawhipProviderHookGroupSchema = z.looseObject({
  matcher: text.optional(),
  hooks: z.array(ClawhipProviderHookSchema),
});

/**
 * The part of a provider's settings file the installer edits: `hooks.<Event>[]`. Everything else in the
 * file (and every hook that is not clawhip's) is kept as it is.
 */
export const ClawhipProviderHooksFileSchema = z.looseObject({
  hooks: z.record(z.string(), z.array(ClawhipProviderHookGroupSchema)).optional(),
});
export type ClawhipProviderHooksFile = z.infer<typeof ClawhipProviderHooksFileSchema>;

/** `clawhip hooks install --json`: what was (or, with `--dry-run`, would be) written. */
export const ClawhipHooksInstallResultSchema = z.object({
  dryRun: z.boolean(),
  scope: z.enum(["global", "project"]),
  bridge: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      provider: ClawhipHookProviderSchema.nullable(),
      changed: z.boolean(),
      diff: z.string(),
    }),
  ),
});
export type ClawhipHooksInstallResult = z.infer<typeof ClawhipHooksInstallResultSchema>;

/** `<plugin dir>/plugin.toml`: a tool integration and the bridge script it runs. */
export const ClawhipPluginManifestSchema = z.strictObject({
  name: z.string().trim().min(1),
  description: z.string().optional(),
  bridge: z.string().trim().min(1).default("bridge.sh"),
});
export type ClawhipPluginManifest = z.infer<typeof ClawhipPluginManifestSchema>;

/** `clawhip plugins list --json`. */
export const ClawhipPluginsListSchema = z.object({
  dir: z.string(),
  plugins: z.array(z.object({ name: z.string(), description: z.string().nullable(), bridge: z.string() })),
});
export type ClawhipPluginsList = z.infer<typeof ClawhipPluginsListSchema>;
