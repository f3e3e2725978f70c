import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { OomiPersonaManifestSchema, OomiRuntimeConfigSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { resolveHealthPath } from "../runtime/health-path.js";
import { scaffoldPersonaWorkspace } from "./scaffold.js";

const base = { slug: "tokyo-guide", name: "Tokyo Guide", description: "Trip planning for July", force: false };

describe("scaffoldPersonaWorkspace", () => {
  it("writes the XR-first workspace with valid runtime files", async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), "oomi-scaffold-")), "tokyo-guide");
    const result = await scaffoldPersonaWorkspace({ ...base, outDir });
    expect(result).toMatchObject({
      templateId: "persona-app",
      templateVersion: "v1",
      outDir,
      defaultPort: 4789,
      healthPath: "/webspatial/avp/oomi.health.json",
    });
    for (const file of [
      "persona.json",
      "oomi.runtime.json",
      "package.json",
      "public/oomi.health.json",
      "public/manifest.webmanifest",
      "README.md",
      "src/persona/config.ts",
      "src/persona/notes.ts",
      "src/main.tsx",
      "src/scene/PersonaScene.tsx",
      "vite.config.ts",
      "index.html",
    ]) {
      expect(existsSync(join(outDir, file)), file).toBe(true);
    }
    const read = async (file: string) => readFile(join(outDir, file), "utf8");
    const manifest = OomiPersonaManifestSchema.parse(JSON.parse(await read("persona.json")));
    expect(manifest).toMatchObject({ id: "tokyo-guide", name: "Tokyo Guide", summary: "Trip planning for July", tags: ["managed"] });
    const config = OomiRuntimeConfigSchema.parse(JSON.parse(await read("oomi.runtime.json")));
    expect(resolveHealthPath(config)).toBe("/webspatial/avp/oomi.health.json");
    const pkg = JSON.parse(await read("package.json"));
    expect(Object.keys(pkg.dependencies)).toEqual(
      expect.arrayContaining(["@webspatial/react-sdk", "@webspatial/core-sdk", "react", "@zumer/snapdom", "html2canvas"]),
    );
    expect(pkg.devDependencies.vite).toBeDefined();
    expect(await read("src/main.tsx")).toMatch(/window\.snapdom = snapdom;[\s\S]*window\.html2canvas = html2canvas;/);
    const scene = await read("src/scene/PersonaScene.tsx");
    expect(scene).toContain("configurePersonaScene()");
    expect(scene).toContain("detectSpatialEnvironment()");
    expect(scene).toContain("enable-xr");
    expect(await read("src/persona/config.ts")).toMatch(/personaPanels = \[[\s\S]*welcome[\s\S]*focus[\s\S]*notes/);
    expect(await read("src/styles.css")).toContain("html.is-spatial");
    expect(await read("src/persona/notes.ts")).toContain("do not require manual npm run dev");
    expect(await read("README.md")).toContain("Managed launch contract");
    expect(JSON.parse(await read("public/manifest.webmanifest")).xr_main_scene.default_size).toEqual({ width: 860, height: 1100 });
  });

  it("escapes persona text into code instead of breaking it", async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), "oomi-scaffold-")), "x");
    await scaffoldPersonaWorkspace({ ...base, outDir, name: 'Quote " Persona', description: "line\nbreak `tick` \\ end" });
    const config = await readFile(join(outDir, "src/persona/config.ts"), "utf8");
    expect(config).toContain('name: "Quote \\" Persona"');
    expect(config).toContain('description: "line\\nbreak `tick` \\\\ end"');
  });

  it("refuses a non-empty --out without --force, and with --force rewrites this persona's workspace", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "oomi-scaffold-"));
    await scaffoldPersonaWorkspace({ ...base, outDir });
    await writeFile(join(outDir, "keep.txt"), "mine");
    await writeFile(join(outDir, "src/persona/notes.ts"), "edited");
    await expect(scaffoldPersonaWorkspace({ ...base, outDir })).rejects.toMatchObject({ code: "OUT_NOT_EMPTY", exitCode: 2 });
    expect(await readFile(join(outDir, "src/persona/notes.ts"), "utf8")).toBe("edited");
    await scaffoldPersonaWorkspace({ ...base, outDir, force: true });
    expect(await readFile(join(outDir, "keep.txt"), "utf8")).toBe("mine");
    expect(await readFile(join(outDir, "src/persona/notes.ts"), "utf8")).toContain("do not require manual npm run dev");
  });

  it("item 4: scaffold --force refuses a folder that is not this persona's workspace and writes nothing", async () => {
    const outDir = await mkdtemp(join(tmpdir(), "oomi-scaffold-"));
    await writeFile(join(outDir, "keep.txt"), "mine");
    await expect(scaffoldPersonaWorkspace({ ...base, outDir, force: true })).rejects.toMatchObject({
      code: "NOT_A_PERSONA_WORKSPACE",
      exitCode: 2,
      message: expect.stringContaining("no persona.json"),
    });
    expect(await readdir(outDir)).toEqual(["keep.txt"]);

    const other = join(await mkdtemp(join(tmpdir(), "oomi-scaffold-")), "other");
    await scaffoldPersonaWorkspace({ ...base, slug: "other-persona", outDir: other });
    await expect(scaffoldPersonaWorkspace({ ...base, outDir: other, force: true })).rejects.toMatchObject({
      code: "NOT_A_PERSONA_WORKSPACE",
      message: expect.stringContaining('persona.json is for "other-persona"'),
    });
    expect(JSON.parse(await readFile(join(other, "persona.json"), "utf8")).id).toBe("other-persona");
  });

  it("item 4: scaffold --force never writes through a symlinked src/ (or file) that leads out of --out", async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), "oomi-scaffold-")), "ws");
    const outside = await mkdtemp(join(tmpdir(), "oomi-outside-"));
    await scaffoldPersonaWorkspace({ ...base, outDir });
    await rm(join(outDir, "src"), { recursive: true });
    await symlink(outside, join(outDir, "src"));
    await expect(scaffoldPersonaWorkspace({ ...base, outDir, force: true })).rejects.toMatchObject({
      code: "PATH_ESCAPES_WORKSPACE",
      exitCode: 2,
      message: expect.stringContaining(join(outDir, "src")),
    });
    expect(await readdir(outside)).toEqual([]);

    await rm(join(outDir, "src"));
    const victim = join(outside, "index.html");
    await writeFile(victim, "theirs");
    await rm(join(outDir, "index.html"));
    await symlink(victim, join(outDir, "index.html"));
    await expect(scaffoldPersonaWorkspace({ ...base, outDir, force: true })).rejects.toMatchObject({ code: "PATH_ESCAPES_WORKSPACE" });
    expect(await readFile(victim, "utf8")).toBe("theirs");
  });

  it("item 4: scaffold refuses an --out of /, $HOME, an ancestor of $HOME, or a symlink", async () => {
    const home = await mkdtemp(join(tmpdir(), "oomi-home-"));
    const homes = [home];
    // Home first: on code without the check, the test fails there, before it could write into /tmp or /.
    for (const outDir of [home, join(home, "sub", ".."), dirname(home), "/"]) {
      await expect(scaffoldPersonaWorkspace({ ...base, outDir, force: true, homes })).rejects.toMatchObject({
        code: "WORKSPACE_ROOT_REFUSED",
        exitCode: 2,
      });
    }
    const linkToHome = join(await mkdtemp(join(tmpdir(), "oomi-link-")), "home");
    await symlink(home, linkToHome);
    await expect(scaffoldPersonaWorkspace({ ...base, outDir: linkToHome, homes })).rejects.toMatchObject({
      code: "WORKSPACE_ROOT_REFUSED",
    });
    const real = await mkdtemp(join(tmpdir(), "oomi-real-"));
    const linked = join(home, "linked");
    await symlink(real, linked);
    await expect(scaffoldPersonaWorkspace({ ...base, outDir: linked, homes })).rejects.toMatchObject({
      code: "WORKSPACE_SYMLINK",
      exitCode: 2,
    });
    expect(await readdir(real)).toEqual([]);
    expect(await readdir(home)).toEqual(["linked"]);
  });

  it("rejects invalid slugs, a missing description and unknown template versions", async () => {
    const outDir = join(await mkdtemp(join(tmpdir(), "oomi-scaffold-")), "o");
    await expect(scaffoldPersonaWorkspace({ ...base, outDir, slug: "../x" })).rejects.toMatchObject({ code: "INVALID_SLUG" });
    await expect(scaffoldPersonaWorkspace({ ...base, outDir, description: "  " })).rejects.toThrow("Use --description");
    await expect(scaffoldPersonaWorkspace({ ...base, outDir, templateVersion: "v9" })).rejects.toMatchObject({
      code: "TEMPLATE_VERSION_UNKNOWN",
    });
    await mkdir(outDir, { recursive: true });
    expect(existsSync(join(outDir, "persona.json"))).toBe(false);
  });
});
