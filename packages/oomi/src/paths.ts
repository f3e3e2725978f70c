import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { invalidInput } from "./errors.js";
import { validateSlug } from "./slug.js";

export type Env = Record<string, string | undefined>;

/** `$OPENCLAW_HOME`, else `~/.openclaw` (HOME from the given env so tests can use a throwaway one). */
export function openclawHome(env: Env): string {
  if (env.OPENCLAW_HOME) return resolve(env.OPENCLAW_HOME);
  return join(env.HOME || homedir(), ".openclaw");
}

export const bridgeStatePath = (env: Env) => join(openclawHome(env), "oomi-bridge.json");
export const bridgeStatusPath = (env: Env) => join(openclawHome(env), "oomi-bridge-status.json");
export const bridgePidPath = (env: Env) => join(openclawHome(env), "oomi-bridge.pid");
export const bridgeLogPath = (env: Env) => join(openclawHome(env), "logs", "oomi-bridge.log");
export const deviceIdentityPath = (env: Env) => join(openclawHome(env), "identity", "device.json");

/** Where managed persona workspaces live: `$OPENCLAW_PERSONAS_DIR`, else `<workspace>/personas`. */
export function defaultWorkspaceRoot(env: Env): string {
  if (env.OPENCLAW_PERSONAS_DIR) return resolve(env.OPENCLAW_PERSONAS_DIR);
  const workspace = env.OPENCLAW_WORKSPACE ? resolve(env.OPENCLAW_WORKSPACE) : join(openclawHome(env), "workspace");
  return join(workspace, "personas");
}

/** True when `child` is `parent` itself or lies inside it (after resolving `..`). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** `<root>/<slug>`, refusing anything that would land outside the root. */
export function workspacePathFor(root: string, slug: string): string {
  validateSlug(slug);
  const path = join(resolve(root), slug);
  if (!isInside(root, path) || resolve(path) === resolve(root)) throw invalidInput(`workspace for ${slug} would fall outside ${root}`);
  return path;
}
