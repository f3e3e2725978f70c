#!/usr/bin/env node
// Packs every OpenClaw plugin of the workspace into the artifact users install:
//   node scripts/plugins/pack.mjs [--out DIR] [plugin-id …]    (pnpm plugins:pack)
// writes DIR/<plugin-id>.tgz (default artifacts/plugins), an npm-pack tarball that
// `openclaw plugins install <file> --force --accept-capabilities` accepts as it is. The e2e harness
// installs plugins through `packPlugin` too, so CI installs exactly what users install.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
export const WORKSPACE_ROOT = resolve(import.meta.dirname, "../..");

/** Every workspace package that declares OpenClaw extensions, as `{ id, dir }`, sorted by id. */
export async function pluginPackages(root = WORKSPACE_ROOT) {
  const found = [];
  for (const group of ["packages", "apps"]) {
    for (const name of await readdir(join(root, group))) {
      const dir = join(root, group, name);
      const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8").catch(() => "{}"));
      if (!pkg.openclaw?.extensions?.length) continue;
      const manifest = JSON.parse(await readFile(join(dir, "openclaw.plugin.json"), "utf8"));
      found.push({ id: manifest.id, dir });
    }
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** Drops the workspace-only `@clawbridge/source` condition (it points at `src/`, which is not shipped). */
function publishedExports(value) {
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "@clawbridge/source")
      .map(([key, child]) => [key, publishedExports(child)]),
  );
}

/**
 * The package.json a user installs: no scripts, no devDependencies, no workspace-only export
 * conditions. Runtime dependencies are bundled into `dist/` by tsup, so a `workspace:` dependency
 * left in `dependencies` is a packaging bug and fails here rather than at install.
 */
export function publishedPackageJson(pkg) {
  const { devDependencies: _dev, scripts: _scripts, ...published } = pkg;
  for (const [name, range] of Object.entries(published.dependencies ?? {})) {
    if (String(range).startsWith("workspace:")) {
      throw new Error(`${pkg.name}: dependency ${name} is "${range}"; bundle it into dist/ or publish it first`);
    }
  }
  if (published.exports) published.exports = publishedExports(published.exports);
  return published;
}

async function exists(path) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The files of a plugin package that its artifact ships (each existing `files` entry, walked, and the manifest), sorted. */
async function shippedFiles(dir, pkg) {
  const found = new Set(["openclaw.plugin.json"]);
  const walk = async (path) => {
    const info = await stat(join(dir, path)).catch(() => undefined);
    if (info?.isDirectory()) for (const name of await readdir(join(dir, path))) await walk(join(path, name));
    else if (info?.isFile()) found.add(path);
  };
  for (const entry of pkg.files ?? []) await walk(entry);
  return [...found].sort();
}

async function readBuiltPlugin(dir) {
  const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  const manifest = JSON.parse(await readFile(join(dir, "openclaw.plugin.json"), "utf8"));
  for (const entry of pkg.openclaw?.extensions ?? []) {
    if (!(await exists(join(dir, entry)))) throw new Error(`${pkg.name}: ${entry} is missing; run pnpm build first`);
  }
  return { pkg, manifest, files: await shippedFiles(dir, pkg) };
}

/**
 * A digest of what `packPlugin(dir)` would put in the artifact (the shipped files and the published
 * package.json), without packing: equal digests mean an installed artifact need not be installed again.
 */
export async function pluginContentHash(dir) {
  const { pkg, files } = await readBuiltPlugin(dir);
  const hash = createHash("sha256").update(JSON.stringify(publishedPackageJson(pkg)));
  for (const file of files) hash.update(`\0${file}\0`).update(await readFile(join(dir, file)));
  return hash.digest("hex");
}

/**
 * Packs one plugin package folder (built: `dist/` present) into `<outDir>/<plugin-id>.tgz` with
 * `npm pack`, from a staging copy that holds only what `files` ships. Returns `{ id, version, tarball }`.
 */
export async function packPlugin(dir, outDir) {
  const { pkg, manifest, files } = await readBuiltPlugin(dir);
  const stage = await mkdtemp(join(tmpdir(), `clawbridge-pack-${manifest.id}-`));
  try {
    for (const file of files) {
      await mkdir(dirname(join(stage, file)), { recursive: true });
      await cp(join(dir, file), join(stage, file));
    }
    await writeFile(join(stage, "package.json"), `${JSON.stringify(publishedPackageJson(pkg), null, 2)}\n`);
    const { stdout } = await execFileAsync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", stage], {
      cwd: stage,
      env: { ...process.env, npm_config_loglevel: "error", npm_config_update_notifier: "false", npm_config_fund: "false" },
      maxBuffer: 16 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(stdout);
    await mkdir(outDir, { recursive: true });
    const tarball = join(outDir, `${manifest.id}.tgz`);
    await rm(tarball, { force: true });
    await rename(join(stage, filename), tarball).catch(async (error) => {
      if (error.code !== "EXDEV") throw error;
      await cp(join(stage, filename), tarball);
    });
    return { id: manifest.id, version: pkg.version, tarball };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

async function main(argv) {
  let outDir = join(WORKSPACE_ROOT, "artifacts", "plugins");
  const wanted = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--out") {
      const value = argv[++i];
      if (!value) throw new UsageError("--out needs a folder");
      outDir = resolve(value);
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write("usage: pnpm plugins:pack [-- --out DIR] [plugin-id …]\n");
      return 0;
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      wanted.push(arg);
    }
  }
  const plugins = await pluginPackages();
  const unknown = wanted.filter((id) => !plugins.some((p) => p.id === id));
  if (unknown.length) throw new UsageError(`unknown plugin ${unknown.join(", ")}; known: ${plugins.map((p) => p.id).join(", ")}`);
  for (const plugin of plugins.filter((p) => wanted.length === 0 || wanted.includes(p.id))) {
    const { tarball, version } = await packPlugin(plugin.dir, outDir);
    process.stdout.write(`${plugin.id}@${version}  ${tarball}\n`);
  }
  return 0;
}

class UsageError extends Error {}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`plugins:pack: ${error.message}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
