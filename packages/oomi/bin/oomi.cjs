#!/usr/bin/env node
// Exists before the build so pnpm can link the bin at install; the CLI itself is built to dist/cli.cjs.
//
// Most of a short command's own start-up is V8 compiling the functions it runs. Node 20 has no
// compile cache (module.enableCompileCache is Node 22), so this shim compiles dist/cli.cjs itself with
// the V8 code cache the build recorded in dist/cli.cjs.cache (scripts/compile-cache.mjs runs `--help`
// and `personas status` to fill it). V8 refuses a cache from another V8 version, other flags or another
// source; the CLI then compiles as usual, only without the head start.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");
const { createRequire } = require("node:module");
const { pathToFileURL } = require("node:url");

const file = join(__dirname, "..", "dist", "cli.cjs");
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache (a build without it): compile from source.
}
// The same wrapper Node's CommonJS loader puts around a module.
const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: file,
  cachedData,
});
// Only the build sets this: it records what the command it ran compiled, on top of what it loaded.
if (process.env.OOMI_RECORD_COMPILE_CACHE === cacheFile) {
  process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
}
const cli = { exports: {} };
script.runInThisContext()(cli.exports, createRequire(file), cli, file, dirname(file));
// The shell holds no import() of its own (V8 drops a cached script's dynamic-import callback): it
// loads each command module, an ES module built beside it, through this.
const commands = join(dirname(file), "commands");
cli.exports.main((name) => import(pathToFileURL(join(commands, `${name}.js`)).href));
