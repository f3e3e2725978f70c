import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Script } from "node:vm";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { CLI } from "./cli-run.js";

const packageDir = resolve(import.meta.dirname, "../..");
const built = join(packageDir, "dist", "cli.cjs");
const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the installed package (bin, dist, package.json) whose cache a test may spoil. */
function packageCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "oomi-cache-"));
  temps.push(dir);
  for (const part of ["bin", "dist", "package.json"]) cpSync(join(packageDir, part), join(dir, part), { recursive: true });
  return dir;
}

async function oomiAt(bin: string, args: string[]) {
  const home = mkdtempSync(join(tmpdir(), "oomi-cache-home-"));
  temps.push(home);
  return execa(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "", HOME: home }, extendEnv: false, reject: false });
}
const help = (bin: string) => oomiAt(bin, ["--help"]);

describe("the bin's V8 code cache", () => {
  it("is recorded by the build for the built CLI and accepted by this Node", () => {
    const source = readFileSync(built, "utf8").replace(/^#!.*/, "");
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: built,
      cachedData: readFileSync(`${built}.cache`),
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  it("is only a head start: a spoiled or missing cache gives the same CLI", async () => {
    const expected = await help(CLI);
    expect(expected.exitCode).toBe(0);
    expect(expected.stdout).toContain("Usage: oomi");

    const spoiled = packageCopy();
    writeFileSync(join(spoiled, "dist", "cli.cjs.cache"), "not a code cache");
    const fromSpoiled = await help(join(spoiled, "bin", "oomi.cjs"));
    expect({ exitCode: fromSpoiled.exitCode, stdout: fromSpoiled.stdout, stderr: fromSpoiled.stderr }).toEqual({
      exitCode: 0,
      stdout: expected.stdout,
      stderr: "",
    });

    const missing = packageCopy();
    rmSync(join(missing, "dist", "cli.cjs.cache"));
    const fromMissing = await help(join(missing, "bin", "oomi.cjs"));
    expect({ exitCode: fromMissing.exitCode, stdout: fromMissing.stdout }).toEqual({ exitCode: 0, stdout: expected.stdout });
  });

  it("leaves the shell able to load its command modules (dist/commands/) from the cached code", async () => {
    // create-managed's module answers a missing --name (exit 1), not the shell (exit 2 for usage).
    const run = await oomiAt(CLI, ["personas", "create-managed", "cache-check", "--json"]);
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: "NAME_REQUIRED" } });
  });
});
