import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ClawhipPluginManifestSchema, type ClawhipPluginsList } from "@clawbridge/contracts";
import { parse as parseToml } from "smol-toml";

/** A plugin folder whose manifest or bridge is broken: named, with the reason, so the user can fix it. */
export class PluginError extends Error {
  override name = "PluginError";
}

/**
 * Where tool-integration plugins live: `--dir` → `CLAWHIP_PLUGIN_DIR` → `~/.clawhip/plugins` when it
 * exists → the plugins shipped with this package.
 */
export function pluginsDir(flag: string | undefined, env: NodeJS.ProcessEnv, home: string | undefined, bundled: string): string {
  if (flag) return flag;
  if (env.CLAWHIP_PLUGIN_DIR) return env.CLAWHIP_PLUGIN_DIR;
  const user = home ? join(home, ".clawhip", "plugins") : undefined;
  return user && existsSync(user) ? user : bundled;
}

/** Every `<dir>/<name>/plugin.toml`, in folder-name order; folders without a manifest are not plugins. */
export async function listPlugins(dir: string): Promise<ClawhipPluginsList> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { dir, plugins: [] };
    throw new PluginError(`cannot read ${dir}: ${(error as Error).message}`);
  }
  const plugins: ClawhipPluginsList["plugins"] = [];
  for (const name of entries) {
    const manifestPath = join(dir, name, "plugin.toml");
    let text: string;
    try {
      text = await readFile(manifestPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new PluginError(`cannot read ${manifestPath}: ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = parseToml(text);
    } catch (error) {
      throw new PluginError(`${manifestPath} is not valid TOML: ${(error as Error).message.split("\n")[0]}`);
    }
    const manifest = ClawhipPluginManifestSchema.safeParse(raw);
    if (!manifest.success) {
      const issue = manifest.error.issues[0];
      throw new PluginError(`${manifestPath}: ${issue?.path.join(".") || "manifest"}: ${issue?.message}`);
    }
    const bridge = join(dir, name, manifest.data.bridge);
    const isFile = await stat(bridge).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) throw new PluginError(`plugin '${manifest.data.name}' names bridge ${bridge}, which is not a file`);
    plugins.push({ name: manifest.data.name, description: manifest.data.description ?? null, bridge });
  }
  return { dir, plugins };
}
