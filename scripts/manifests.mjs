#!/usr/bin/env node
// Generates each plugin's openclaw.plugin.json from its built entry (`--write`), or fails when a
// checked-in manifest differs from what the code generates (`--check`, run in CI).
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..");
const mode = process.argv.includes("--write") ? "write" : "check";
const { buildManifest, renderManifest } = await import(pathToFileURL(join(root, "packages/plugin-host/dist/index.js")).href);

async function pluginPackages() {
  const found = [];
  for (const group of ["packages", "apps"]) {
    for (const name of await readdir(join(root, group))) {
      const dir = join(root, group, name);
      const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8").catch(() => "{}"));
      if (pkg.openclaw?.extensions?.length) found.push({ dir, pkg });
    }
  }
  return found;
}

let drifted = 0;
for (const { dir, pkg } of await pluginPackages()) {
  const entryPath = join(dir, pkg.openclaw.extensions[0]);
  const module = await import(pathToFileURL(entryPath).href).catch((error) => {
    throw new Error(`cannot import ${entryPath} (run pnpm build first): ${error.message}`);
  });
  const text = renderManifest(buildManifest(module.default, { version: pkg.version }));
  const path = join(dir, "openclaw.plugin.json");
  const current = await readFile(path, "utf8").catch(() => "");
  if (current === text) {
    console.log(`ok       ${path}`);
  } else if (mode === "write") {
    await writeFile(path, text);
    console.log(`written  ${path}`);
  } else {
    drifted += 1;
    console.error(`drifted  ${path}: differs from what the code generates; run pnpm manifests and commit`);
  }
}
process.exit(drifted > 0 ? 1 : 0);
