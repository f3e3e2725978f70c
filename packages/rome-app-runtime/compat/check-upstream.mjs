#!/usr/bin/env node
// On demand: proves the app-author programs are valid upstream code. Give it an unpacked upstream
// tarball (`npm pack @rome-os/app-runtime@0.3.0 && tar xzf …` gives `package/`); it compiles every
// program against that package and against ours (build ours first), and prints N/total for each and
// the export counts. Exits 1 when a program fails upstream.
//
//   node packages/rome-app-runtime/compat/check-upstream.mjs /tmp/rome/package
//
// With `--names`, it also rewrites upstream-<version>-exports.json, the list of upstream's export names
// that the e2e compat test holds ours to without needing the tarball.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compilePrograms, exportNames } from "./compile.mjs";

const args = process.argv.slice(2);
const writeNames = args.includes("--names");
const [given] = args.filter((arg) => arg !== "--names");
if (!given) {
  console.error("usage: check-upstream.mjs <unpacked @rome-os/app-runtime package directory> [--names]");
  process.exit(2);
}
const upstreamDir = resolve(given);
if (!existsSync(join(upstreamDir, "dist", "index.d.ts"))) {
  console.error(`${upstreamDir} has no dist/index.d.ts: give the directory the tarball unpacks to (package/)`);
  process.exit(2);
}

// Upstream's declarations import zod and drizzle-orm. Lay the package out in a scratch node_modules
// beside links to ours, so those imports resolve as they would in an app.
const packageDir = resolve(import.meta.dirname, "..");
const scratch = mkdtempSync(join(tmpdir(), "rome-compat-"));
try {
  const modules = join(scratch, "node_modules");
  mkdirSync(join(modules, "@rome-os"), { recursive: true });
  cpSync(upstreamDir, join(modules, "@rome-os", "app-runtime"), { recursive: true });
  for (const dependency of ["zod", "drizzle-orm", "ws"]) {
    symlinkSync(realpathSync(join(packageDir, "node_modules", dependency)), join(modules, dependency), "dir");
  }
  const upstreamEntry = join(modules, "@rome-os", "app-runtime", "dist", "index.d.ts");
  const oursEntry = join(packageDir, "dist", "index.d.ts");

  const report = (label, results) => {
    const passed = results.filter((result) => result.errors.length === 0).length;
    console.log(`${label}: ${passed}/${results.length} programs compile`);
    for (const { file, errors } of results) {
      for (const error of errors) console.log(`  ${file.slice(file.lastIndexOf("/") + 1)}:${error}`);
    }
    return passed === results.length;
  };
  const upstreamOk = report("upstream", compilePrograms(upstreamEntry));
  const built = existsSync(oursEntry);
  if (!built) console.log("ours: not built (pnpm --filter @clawbridge/rome-app-runtime build)");
  const oursOk = built && report("ours", compilePrograms(oursEntry));

  const upstreamNames = exportNames(upstreamEntry);
  const ourNames = built ? exportNames(oursEntry) : [];
  const shared = ourNames.filter((name) => upstreamNames.includes(name));
  console.log(`exports: upstream ${upstreamNames.length}, ours ${ourNames.length}, shared ${shared.length}`);
  if (writeNames) {
    const { version } = JSON.parse(readFileSync(join(upstreamDir, "package.json"), "utf8"));
    const file = join(import.meta.dirname, `upstream-${version}-exports.json`);
    const note =
      "The names @rome-os/app-runtime " +
      version +
      " exports (values and types), listed by check-upstream.mjs --names; ours must export each.";
    writeFileSync(file, `${JSON.stringify({ "//": note, names: upstreamNames }, null, 2)}\n`);
    console.log(`wrote ${file}`);
  }
  const missing = upstreamNames.filter((name) => !ourNames.includes(name));
  if (missing.length > 0) console.log(`missing from ours: ${missing.join(", ")}`);
  process.exitCode = upstreamOk && oursOk ? 0 : 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
