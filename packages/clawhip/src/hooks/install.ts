import { chmod, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  type ClawhipHookProvider,
  type ClawhipHooksInstallResult,
  type ClawhipProviderHooksFile,
  ClawhipProviderHooksFileSchema,
  ClawhipSharedHookEventSchema,
} from "@clawbridge/contracts";
import { writeFileAtomic } from "@clawbridge/plugin-host";
import { lineDiff } from "./line-diff.js";

export const BRIDGE_FILE = join(".clawhip", "hooks", "native-hook.sh");
export const CODEX_HOOKS_FILE = join(".codex", "hooks.json");
export const CLAUDE_SETTINGS_FILE = join(".claude", "settings.json");

/** A refusal that names the file and what to do; nothing has been written when it is thrown. */
export class HookInstallError extends Error {
  override name = "HookInstallError";
}

export interface HookInstallOptions {
  providers: readonly ClawhipHookProvider[];
  /** `global`: the user's provider settings; `project`: `<root>/.codex/hooks.json` (Codex only). */
  scope: "global" | "project";
  /** The home folder the bridge and global settings live under; injected so tests never touch the real one. */
  home: string;
  /** The project root for `--scope project`. */
  root: string;
  /** The command that runs this clawhip (`node …/cli.js`), written into the bridge. */
  clawhipCommand: readonly string[];
  dryRun: boolean;
}

/** Single-quotes a word for sh: nothing inside is expanded. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The bridge both providers call: their hook JSON on stdin, forwarded by `clawhip native hook`. */
export function bridgeScript(clawhipCommand: readonly string[]): string {
  return [
    "#!/bin/sh",
    "# clawhip provider-native hook bridge, written by `clawhip hooks install`; rerun that command to update it.",
    "# Codex and Claude Code run it with their hook JSON on stdin. It adds the repository, project and tmux",
    "# context and posts the event to the clawhip daemon. A hook's stdout is read by the provider as a",
    "# decision about the tool call or prompt, so the bridge keeps stdout empty; errors go to stderr.",
    `exec ${clawhipCommand.map(shellQuote).join(" ")} native hook "$@" >/dev/null`,
    "",
  ].join("\n");
}

export function hookCommand(bridgePath: string, provider: ClawhipHookProvider): string {
  return `sh ${shellQuote(bridgePath)} --provider ${provider}`;
}

/** Tool events take a matcher (every tool); session events have none. */
function matcherFor(event: string): string | undefined {
  return event === "PreToolUse" || event === "PostToolUse" ? ".*" : undefined;
}

/**
 * Adds the clawhip command to each shared event of a provider's hooks file, in the matcher group that
 * has the same matcher (or a new group), unless that group already runs it. Every other key, group and
 * hook is kept as it was; a second run changes nothing.
 */
export function withClawhipHooks(file: ClawhipProviderHooksFile, command: string): ClawhipProviderHooksFile {
  const next = structuredClone(file);
  const hooks = next.hooks ?? {};
  for (const event of ClawhipSharedHookEventSchema.options) {
    const matcher = matcherFor(event);
    const groups = Object.hasOwn(hooks, event) ? (hooks[event] ?? []) : [];
    const group = groups.find((g) => g.matcher === matcher);
    const hook = { type: "command", command };
    if (group === undefined) groups.push(matcher === undefined ? { hooks: [hook] } : { matcher, hooks: [hook] });
    else if (!group.hooks.some((h) => h.type === "command" && h.command === command)) group.hooks.push(hook);
    hooks[event] = groups;
  }
  next.hooks = hooks;
  return next;
}

interface PlannedFile {
  path: string;
  provider: ClawhipHookProvider | null;
  before: string;
  after: string;
  /** The existing file's permission bits, kept on rewrite (a settings file may hold secrets). */
  mode: number | undefined;
  executable: boolean;
}

async function readExisting(path: string): Promise<{ text: string; mode: number | undefined }> {
  try {
    const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    return { text, mode: info.mode & 0o777 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { text: "", mode: undefined };
    throw new HookInstallError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

async function planProviderFile(path: string, provider: ClawhipHookProvider, command: string): Promise<PlannedFile> {
  const { text, mode } = await readExisting(path);
  let document: unknown = {};
  if (text.trim() !== "") {
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new HookInstallError(`${path} is not valid JSON (${(error as Error).message}); fix or move it, then install again`);
    }
  }
  const parsed = ClawhipProviderHooksFileSchema.safeParse(document);
  if (!parsed.success || typeof document !== "object" || document === null || Array.isArray(document)) {
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    const where = issue ? ` at ${issue.path.join(".") || "the top"}: ${issue.message}` : ": expected a JSON object";
    throw new HookInstallError(`${path} does not have the hooks layout clawhip expects${where}; nothing was changed`);
  }
  // The document as the user wrote it (the schema only vouched for its shape): zod's output would move keys.
  const current = document as ClawhipProviderHooksFile;
  const next = withClawhipHooks(current, command);
  const unchanged = JSON.stringify(next) === JSON.stringify(current);
  // An untouched file keeps its bytes (and formatting); only a real change is re-serialized.
  const after = unchanged && text.trim() !== "" ? text : `${JSON.stringify(next, null, 2)}\n`;
  return { path, provider, before: text, after, mode, executable: false };
}

/**
 * Plans the whole install before writing anything (a file that cannot be edited stops it with nothing
 * changed), then writes each changed file atomically, unless this is a dry run.
 */
export async function installHooks(options: HookInstallOptions): Promise<ClawhipHooksInstallResult> {
  if (options.scope === "project" && options.providers.includes("claude-code")) {
    throw new HookInstallError(
      "Claude Code reads clawhip's hooks from ~/.claude/settings.json only: install it without --scope project (Codex can use either scope)",
    );
  }
  const bridgePath = join(options.home, BRIDGE_FILE);
  const bridge = await readExisting(bridgePath);
  const planned: PlannedFile[] = [
    { path: bridgePath, provider: null, before: bridge.text, after: bridgeScript(options.clawhipCommand), mode: 0o755, executable: true },
  ];
  for (const provider of options.providers) {
    const base = provider === "codex" && options.scope === "project" ? options.root : options.home;
    const path = join(base, provider === "codex" ? CODEX_HOOKS_FILE : CLAUDE_SETTINGS_FILE);
    planned.push(await planProviderFile(path, provider, hookCommand(bridgePath, provider)));
  }
  if (!options.dryRun) {
    for (const file of planned) {
      if (file.before === file.after) continue;
      // A new settings file may later be given secrets by its provider: it starts owner-only.
      const secret = file.executable ? false : file.mode === undefined || (file.mode & 0o077) === 0;
      await writeFileAtomic(file.path, file.after, { secret });
      const mode = file.executable ? 0o755 : file.mode;
      if (mode !== undefined) await chmod(file.path, mode);
    }
  }
  return {
    dryRun: options.dryRun,
    scope: options.scope,
    bridge: bridgePath,
    files: planned.map((file) => ({
      path: file.path,
      provider: file.provider,
      changed: file.before !== file.after,
      diff: lineDiff(file.path, file.before, file.after),
    })),
  };
}
