import { lstatSync, readFileSync, realpathSync, type Stats } from "node:fs";
import { homedir, userInfo } from "node:os";
import { basename, dirname, join, parse, resolve } from "node:path";
import { OomiPersonaManifestSchema, OomiRuntimeConfigSchema } from "@clawbridge/contracts";
import type { z } from "zod";
import { invalidInput } from "../errors.js";
import { type Env, isInside, workspacePathFor } from "../paths.js";

// Where a command that writes, signals or deletes may act (packages/oomi/README.md, "What the CLI
// refuses to touch"). A workspace root is the user's own folder of persona workspaces; these checks
// keep a typo, a hostile backend job or a planted symlink from turning `delete` or `scaffold --force`
// into a removal or an overwrite of anything else.

/** The home directories a workspace root must neither be nor contain: $HOME as given, the process's, and the account's. */
export function homeDirectories(env: Env): string[] {
  const homes = [env.HOME, homedir()];
  try {
    homes.push(userInfo().homedir);
  } catch {
    // No passwd entry for this uid (some containers): the other two still count.
  }
  return [...new Set(homes.filter((home): home is string => Boolean(home)).map((home) => resolve(home)))];
}

/** lstat that answers null for a path that does not exist (or runs through a file). */
function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
}

/** The real path of `path`; for a path that does not exist yet, its nearest existing ancestor's real path joined with the rest. */
export function realPathOf(path: string): string {
  const rest: string[] = [];
  let probe = resolve(path);
  for (;;) {
    try {
      return join(realpathSync(probe), ...rest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
      const parent = dirname(probe);
      if (parent === probe) return resolve(path);
      rest.unshift(basename(probe));
      probe = parent;
    }
  }
}

/**
 * Refuses `/`, a home directory and any ancestor of one as a workspace root (or scaffold target),
 * compared as real paths so neither a symlink nor `..` disguises them: `<root>/<slug>` under such a
 * root is some folder of the user's, not a persona workspace.
 */
export function assertSafeRoot(dir: string, homes: readonly string[], label = "workspace root"): void {
  const real = realPathOf(dir);
  const advice = "choose a folder of its own, e.g. ~/.openclaw/workspace/personas";
  if (parse(real).root === real) throw invalidInput(`${label} ${dir} is the file-system root; ${advice}`, "WORKSPACE_ROOT_REFUSED");
  for (const home of homes) {
    const realHome = realPathOf(home);
    if (!isInside(real, realHome)) continue;
    const what = real === realHome ? "your home directory" : `an ancestor of your home directory ${home}`;
    throw invalidInput(`${label} ${dir} is ${what}; ${advice}`, "WORKSPACE_ROOT_REFUSED");
  }
}

/** Refuses a workspace folder that is a symlink or not a folder at all; a missing one passes. */
export function assertRealDirectory(path: string, label = "workspace"): void {
  const stat = lstatOrNull(path);
  if (stat?.isSymbolicLink()) {
    throw invalidInput(
      `${label} ${path} is a symlink; oomi acts only on a real folder, so nothing outside the workspace root is touched. Use the folder it points to directly.`,
      "WORKSPACE_SYMLINK",
    );
  }
  if (stat && !stat.isDirectory()) throw invalidInput(`${label} ${path} exists and is not a folder`, "WORKSPACE_NOT_DIRECTORY");
}

/**
 * `<root>/<slug>` for a command that writes, signals or deletes there: the root is not `/` or a home
 * (or its ancestor), and the workspace, when it exists, is a real folder rather than a symlink.
 */
export function workspaceForChange(root: string, slug: string, homes: readonly string[]): string {
  const path = workspacePathFor(root, slug);
  assertSafeRoot(root, homes);
  assertRealDirectory(path);
  return path;
}

function readMarker<T>(dir: string, file: string, schema: z.ZodType<T>): T | string {
  const path = join(dir, file);
  const stat = lstatOrNull(path);
  if (!stat) return `no ${file}`;
  if (!stat.isFile()) return `${file} is not a regular file`;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return `${file} is not valid JSON`;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `${file} is not an Oomi file (${issue?.path.join(".") || "(root)"}: ${issue?.message})`;
}

/**
 * Throws unless `dir` is the persona workspace of `slug`: it holds our persona.json (id = slug) and
 * oomi.runtime.json (appKind "oomi-persona-app"), both regular files, as the scaffold writes them.
 * `delete` removes, and `scaffold --force` overwrites, only such a folder.
 */
export function assertPersonaWorkspace(dir: string, slug: string, action: string): void {
  const manifest = readMarker(dir, "persona.json", OomiPersonaManifestSchema);
  let problem = typeof manifest === "string" ? manifest : manifest.id === slug ? null : `persona.json is for "${manifest.id}"`;
  if (!problem) {
    const config = readMarker(dir, "oomi.runtime.json", OomiRuntimeConfigSchema);
    if (typeof config === "string") problem = config;
  }
  if (problem) {
    throw invalidInput(
      `${dir} is not the Oomi persona workspace of ${slug} (${problem}); refusing to ${action}. Only a folder holding the persona.json and oomi.runtime.json that \`oomi personas scaffold ${slug}\` writes qualifies.`,
      "NOT_A_PERSONA_WORKSPACE",
    );
  }
}

/**
 * Throws unless a write to `target` stays inside `base`, both as real paths: the deepest part of
 * `target` that already exists (the file, or the folder it goes in) must resolve inside `base`, so no
 * symlinked folder or file on the way leads out; what is missing below it gets created as real
 * folders. Checked before each write into a workspace.
 */
export function assertContainedWrite(base: string, target: string): void {
  const realBase = realpathSync(base);
  let probe = resolve(target);
  if (!isInside(base, probe)) throw invalidInput(`${target} lies outside ${base}`, "PATH_ESCAPES_WORKSPACE");
  while (!lstatOrNull(probe)) probe = dirname(probe);
  let real: string | null = null;
  try {
    real = realpathSync(probe);
  } catch {
    // A dangling symlink: where it leads cannot be checked, so it is refused like one that leads out.
  }
  if (real === null || !isInside(realBase, real)) {
    throw invalidInput(
      `${probe} is a symlink that leads out of ${base}; refusing to write ${target} through it. Replace it with a real folder or file.`,
      "PATH_ESCAPES_WORKSPACE",
    );
  }
}
