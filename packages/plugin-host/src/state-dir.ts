import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { z } from "zod";

/** `<stateDir>/plugins/<pluginId>`: where a plugin keeps its own files under the gateway's state root. */
export function pluginStateDir(stateDir: string, pluginId: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(pluginId)) throw new Error(`invalid plugin id for a state folder: "${pluginId}"`);
  return join(stateDir, "plugins", pluginId);
}

export interface WriteOptions {
  /** Holds a secret: written 0600 (and its folder 0700) so only the owner reads it. */
  secret?: boolean;
}

/**
 * Writes a file so a reader never sees half of it: a sibling temp file is written, flushed and
 * renamed over the target, and the folder is flushed so the rename itself survives a power loss. A
 * crash leaves either the old or the new content (and at worst a stray temp file, see
 * `removeStaleTempFiles`).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const mode = options.secret ? 0o600 : 0o644;
  await mkdir(dirname(path), { recursive: true, mode: options.secret ? 0o700 : 0o755 });
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "w", mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory (EINVAL/EISDIR); the rename is then as durable as they allow.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EISDIR" && code !== "EPERM") throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Removes the temp files `writeFileAtomic` leaves beside `path` when a process is killed between
 * writing and renaming (`<name>.<pid>.<hex>.tmp`). Call it at start, before the first write; it returns
 * what it removed.
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const stale = names.filter((name) => name.startsWith(prefix) && /^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length)));
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
  return stale.map((name) => join(dir, name));
}

export function writeJsonAtomic(path: string, value: unknown, options: WriteOptions = {}): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

export type JsonFileRead<T> = { status: "missing" } | { status: "ok"; value: T } | { status: "corrupt"; reason: string; movedTo: string };

/**
 * Reads and validates a JSON file. A file that is not valid JSON or does not match the schema is
 * moved aside (`<name>.corrupt-<time>`) so the caller can start fresh without losing the evidence.
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  now: () => Date = () => new Date(),
): Promise<JsonFileRead<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { status: "missing" };
    throw error;
  }
  let reason: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { status: "ok", value: parsed.data };
    reason = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
  } catch (error) {
    reason = `invalid JSON: ${(error as Error).message}`;
  }
  const movedTo = `${path}.corrupt-${now().toISOString().replace(/[:.]/g, "-")}`;
  await rename(path, movedTo);
  return { status: "corrupt", reason, movedTo };
}
