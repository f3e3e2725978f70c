import { existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { OomiWorkspaceResolution } from "@clawbridge/contracts";
import { type Env, openclawHome, workspacePathFor } from "../paths.js";

// Kept free of zod (only a type import): `oomi personas status` resolves workspaces on its cold start.

/** Where upstream's CLI before the workspace root kept persona workspaces: `~/.openclaw/personas`. */
export const legacyPersonasRoot = (env: Env) => join(openclawHome(env), "personas");

function isRealDirectory(path: string): boolean {
  try {
    const stats = lstatSync(path);
    return stats.isDirectory() && !stats.isSymbolicLink();
  } catch {
    return false;
  }
}

/** True when `link` is a symlink whose target is `target`. */
export function isLinkTo(link: string, target: string): boolean {
  try {
    return lstatSync(link).isSymbolicLink() && resolve(dirname(link), readlinkSync(link)) === resolve(target);
  } catch {
    return false;
  }
}

function linkDirectory(link: string, target: string): boolean {
  try {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, "dir");
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves a persona's workspace under `root`, moving a legacy `~/.openclaw/personas/<slug>` there
 * first as upstream (oomi-ai 0.2.50) does: renamed when it can be (a link is left at the legacy path
 * so scripts that still use it keep working), else linked from the workspace root. Only a real
 * folder is moved, never a symlink; unlike upstream, no legacy link is made for a persona that never
 * lived there.
 */
export function resolveManagedWorkspace(slug: string, root: string, env: Env): OomiWorkspaceResolution {
  const workspaceRoot = resolve(root);
  const canonical = workspacePathFor(workspaceRoot, slug);
  const legacyRoot = legacyPersonasRoot(env);
  const legacy = resolve(legacyRoot) === workspaceRoot ? "" : workspacePathFor(legacyRoot, slug);
  let migratedFromLegacy = false;
  let canonicalProxyCreated = false;
  let legacyProxyCreated = false;
  if (legacy && !existsSync(canonical) && isRealDirectory(legacy)) {
    try {
      mkdirSync(workspaceRoot, { recursive: true });
      renameSync(legacy, canonical);
      migratedFromLegacy = true;
      legacyProxyCreated = linkDirectory(legacy, canonical);
    } catch {
      // Another filesystem (EXDEV) or no permission: the workspace stays where it is, reachable from the root.
      canonicalProxyCreated = linkDirectory(canonical, legacy);
    }
  }
  return {
    workspaceRoot,
    workspacePath: canonical,
    editableWorkspacePath: canonicalProxyCreated ? legacy : canonical,
    compatibilityWorkspacePath: legacy,
    migratedFromLegacy,
    canonicalProxyCreated,
    legacyProxyCreated,
  };
}
