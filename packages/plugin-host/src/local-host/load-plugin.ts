import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type PluginManifest, PluginManifestSchema, PluginPackageJsonSchema } from "@clawbridge/contracts";
import type { z } from "zod";
import type { PluginEntryLike } from "../manifest.js";

export interface LoadedPluginFolder {
  entry: PluginEntryLike;
  manifest: PluginManifest;
  rootDir: string;
  entryPath: string;
  version?: string;
}

async function readJson<S extends z.ZodType>(path: string, schema: S, what: string): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`${what} not found at ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} at ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${what} at ${path} is invalid: ${detail}`);
  }
  return parsed.data;
}

function isPluginEntry(value: unknown): value is PluginEntryLike {
  const v = value as PluginEntryLike | undefined;
  return !!v && typeof v === "object" && typeof v.id === "string" && typeof v.register === "function";
}

/**
 * Loads a plugin package folder the way `openclaw plugins install <dir>` sees it: `openclaw.plugin.json`
 * for the id and config schema, `package.json#openclaw.extensions[0]` for the entry module.
 */
export async function loadPluginFolder(folder: string): Promise<LoadedPluginFolder> {
  const rootDir = resolve(folder);
  const manifest = await readJson(resolve(rootDir, "openclaw.plugin.json"), PluginManifestSchema, "plugin manifest");
  const pkg = await readJson(resolve(rootDir, "package.json"), PluginPackageJsonSchema, "plugin package.json");
  const extension = pkg.openclaw.extensions[0] as string;
  const entryPath = resolve(rootDir, extension);
  const inside = relative(rootDir, entryPath);
  if (inside.startsWith("..") || isAbsolute(inside)) {
    throw new Error(`plugin entry "${extension}" points outside the plugin folder ${rootDir}`);
  }
  const module = (await import(pathToFileURL(entryPath).href)) as { default?: unknown };
  const entry = module.default ?? module;
  if (!isPluginEntry(entry)) {
    throw new Error(`plugin entry ${entryPath} does not export a plugin (an object with id and register)`);
  }
  if (entry.id !== manifest.id) {
    throw new Error(`plugin entry id "${entry.id}" differs from manifest id "${manifest.id}" in ${rootDir}`);
  }
  return pkg.version ? { entry, manifest, rootDir, entryPath, version: pkg.version } : { entry, manifest, rootDir, entryPath };
}
