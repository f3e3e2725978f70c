import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { scaffoldPersonaWorkspace } from "../scaffold/scaffold.js";
import { assertContainedWrite, assertPersonaWorkspace, assertSafeRoot, homeDirectories, realPathOf, workspaceForChange } from "./guard.js";

const temp = (prefix: string) => mkdtemp(join(tmpdir(), prefix));

describe("workspace guard", () => {
  it("item 4: a root of /, a home, an ancestor of a home (also behind a symlink or ..) is refused; a folder inside a home is not", async () => {
    const home = await temp("oomi-home-");
    const homes = [home];
    const link = join(await temp("oomi-link-"), "to-home");
    await symlink(home, link);
    for (const root of ["/", home, `${home}/`, dirname(home), join(home, "a", ".."), link]) {
      expect(() => assertSafeRoot(root, homes), root).toThrow(expect.objectContaining({ code: "WORKSPACE_ROOT_REFUSED", exitCode: 2 }));
    }
    expect(() => assertSafeRoot(join(home, ".openclaw", "workspace", "personas"), homes)).not.toThrow();
    const elsewhere = await temp("oomi-elsewhere-");
    expect(() => assertSafeRoot(elsewhere, homes)).not.toThrow();
  });

  it("homeDirectories holds the given $HOME", () => {
    expect(homeDirectories({ HOME: "/some/where" })).toContain("/some/where");
  });

  it("realPathOf resolves symlinks of the existing part and keeps the rest", async () => {
    const real = await temp("oomi-real-");
    const link = join(await temp("oomi-link-"), "l");
    await symlink(real, link);
    expect(realPathOf(join(link, "not", "yet"))).toBe(join(real, "not", "yet"));
  });

  it("item 4: a workspace that is a symlink or a file is refused for change", async () => {
    const root = await temp("oomi-root-");
    await symlink(await temp("oomi-target-"), join(root, "linked"));
    await writeFile(join(root, "plain-file"), "x");
    expect(() => workspaceForChange(root, "linked", [])).toThrow(expect.objectContaining({ code: "WORKSPACE_SYMLINK", exitCode: 2 }));
    expect(() => workspaceForChange(root, "plain-file", [])).toThrow(expect.objectContaining({ code: "WORKSPACE_NOT_DIRECTORY" }));
    expect(workspaceForChange(root, "not-there-yet", [])).toBe(join(root, "not-there-yet"));
  });

  it("item 4: a persona workspace holds our persona.json (id = slug) and oomi.runtime.json as regular files", async () => {
    const dir = join(await temp("oomi-ws-"), "tokyo-guide");
    await scaffoldPersonaWorkspace({ slug: "tokyo-guide", name: "T", description: "d", outDir: dir, force: false });
    expect(() => assertPersonaWorkspace(dir, "tokyo-guide", "delete it")).not.toThrow();
    expect(() => assertPersonaWorkspace(dir, "other", "delete it")).toThrow('persona.json is for "tokyo-guide"');

    const bare = await temp("oomi-bare-");
    await writeFile(join(bare, "persona.json"), '{"id":"tokyo-guide"}');
    expect(() => assertPersonaWorkspace(bare, "tokyo-guide", "delete it")).toThrow(
      expect.objectContaining({ code: "NOT_A_PERSONA_WORKSPACE", exitCode: 2, message: expect.stringContaining("not an Oomi file") }),
    );
    // Markers borrowed through symlinks do not make a folder ours.
    const borrowed = await temp("oomi-borrowed-");
    await symlink(join(dir, "persona.json"), join(borrowed, "persona.json"));
    await symlink(join(dir, "oomi.runtime.json"), join(borrowed, "oomi.runtime.json"));
    expect(() => assertPersonaWorkspace(borrowed, "tokyo-guide", "delete it")).toThrow("persona.json is not a regular file");
    await writeFile(join(bare, "persona.json"), "{ not json");
    expect(() => assertPersonaWorkspace(bare, "tokyo-guide", "delete it")).toThrow("not valid JSON");
  });

  it("item 4: writes may not pass a symlink that leads out of the workspace; one that stays inside is fine", async () => {
    const ws = await temp("oomi-ws-");
    const outside = await temp("oomi-outside-");
    await mkdir(join(ws, "real"));
    await symlink(outside, join(ws, ".oomi"));
    await symlink(join(ws, "real"), join(ws, "inner"));
    await symlink(join(outside, "nowhere"), join(ws, "dangling"));
    await writeFile(join(outside, "file"), "theirs");
    await symlink(join(outside, "file"), join(ws, "file-link"));
    const refused = expect.objectContaining({ code: "PATH_ESCAPES_WORKSPACE", exitCode: 2 });
    expect(() => assertContainedWrite(ws, join(ws, ".oomi", "runtime.json"))).toThrow(refused);
    expect(() => assertContainedWrite(ws, join(ws, ".oomi", "deeper", "x.json"))).toThrow(refused);
    expect(() => assertContainedWrite(ws, join(ws, "dangling", "x"))).toThrow(refused);
    expect(() => assertContainedWrite(ws, join(ws, "file-link"))).toThrow(refused);
    expect(() => assertContainedWrite(ws, join(ws, "..", "escape"))).toThrow(refused);
    expect(() => assertContainedWrite(ws, join(ws, "inner", "x.json"))).not.toThrow();
    expect(() => assertContainedWrite(ws, join(ws, "new", "folder", "x.json"))).not.toThrow();
  });
});
