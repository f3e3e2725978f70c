import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PackedPlugin,
  packPlugin,
  pluginContentHash,
  pluginPackages,
  publishedPackageJson,
  WORKSPACE_ROOT,
} from "../../plugins/pack.mjs";

const execFileAsync = promisify(execFile);
let out: string;
let packed: PackedPlugin[];

async function tarList(tarball: string): Promise<string[]> {
  const { stdout } = await execFileAsync("tar", ["tzf", tarball]);
  return stdout.split("\n").filter(Boolean);
}

async function tarRead(tarball: string, path: string): Promise<string> {
  const { stdout } = await execFileAsync("tar", ["xzf", tarball, "-O", path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Every file path a package.json points at: extensions, bin, exports. */
function referencedFiles(pkg: Record<string, any>): string[] {
  const files = [...(pkg.openclaw?.extensions ?? [])];
  if (typeof pkg.bin === "string") files.push(pkg.bin);
  else files.push(...Object.values(pkg.bin ?? {}));
  const walk = (value: unknown) => {
    if (typeof value === "string") files.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  return files.map((file: string) => join("package", file));
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "clawbridge-pack-test-"));
  packed = [];
  for (const plugin of await pluginPackages()) packed.push(await packPlugin(plugin.dir, out));
}, 120_000);

afterAll(() => rm(out, { recursive: true, force: true }));

describe("plugins:pack", () => {
  it("packs each of the five plugins into <id>.tgz", () => {
    expect(packed.map((p) => p.id)).toEqual(["clawbridge", "clawhip", "kichi-forwarder", "oomi", "rome-example"]);
    for (const p of packed) expect(p.tarball).toBe(join(out, `${p.id}.tgz`));
  });

  it("ships the manifest, a publish-shaped package.json and every file it points at, and no node_modules or sources", async () => {
    for (const { tarball, id } of packed) {
      const entries = await tarList(tarball);
      expect(entries).toContain("package/openclaw.plugin.json");
      expect(entries.some((e) => e.includes("node_modules/") || e.startsWith("package/src/"))).toBe(false);
      const pkg = JSON.parse(await tarRead(tarball, "package/package.json"));
      expect(pkg.devDependencies, id).toBeUndefined();
      expect(pkg.scripts, id).toBeUndefined();
      expect(JSON.stringify(pkg.exports ?? {})).not.toContain("@clawbridge/source");
      expect(JSON.stringify(pkg.dependencies ?? {})).not.toContain("workspace:");
      for (const file of referencedFiles(pkg)) expect(entries, `${id}: ${file}`).toContain(file.replace(/\/\.\//, "/"));
      const manifest = JSON.parse(await tarRead(tarball, "package/openclaw.plugin.json"));
      expect(manifest.id).toBe(id);
    }
  });

  it("refuses a package that still depends on a workspace package", () => {
    expect(() => publishedPackageJson({ name: "x", dependencies: { "@clawbridge/contracts": "workspace:*" } })).toThrow(
      /bundle it into dist/,
    );
  });

  it("runs as pnpm plugins:pack does, and refuses an unknown plugin id with exit 2", async () => {
    const script = join(WORKSPACE_ROOT, "scripts/plugins/pack.mjs");
    const { stdout } = await execFileAsync("node", [script, "--out", out, "clawbridge"]);
    expect(stdout).toMatch(/^clawbridge@\d+\.\d+\.\d+ {2}.*clawbridge\.tgz\n$/);
    const refused = await execFileAsync("node", [script, "--out", out, "nope"]).catch((error) => error);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("unknown plugin nope");
    expect(JSON.parse(await readFile(join(WORKSPACE_ROOT, "package.json"), "utf8")).scripts["plugins:pack"]).toContain(
      "scripts/plugins/pack.mjs",
    );
  });

  it("pluginContentHash changes with what the artifact ships, and only with that", async () => {
    const source = (await pluginPackages()).find((p) => p.id === "clawbridge")?.dir as string;
    const copy = join(out, "hash-copy");
    for (const file of ["package.json", "openclaw.plugin.json", "dist"])
      await cp(join(source, file), join(copy, file), { recursive: true });
    const before = await pluginContentHash(copy);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(await pluginContentHash(copy)).toBe(before);
    // Not shipped (not in `files`): no new artifact.
    await writeFile(join(copy, "notes.txt"), "local only");
    expect(await pluginContentHash(copy)).toBe(before);
    await writeFile(join(copy, "dist", "extra.js"), "export {};\n");
    const changed = await pluginContentHash(copy);
    expect(changed).not.toBe(before);
    const pkg = JSON.parse(await readFile(join(copy, "package.json"), "utf8"));
    await writeFile(join(copy, "package.json"), JSON.stringify({ ...pkg, version: "9.9.9" }));
    expect(await pluginContentHash(copy)).not.toBe(changed);
  });
});
