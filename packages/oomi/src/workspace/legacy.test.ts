import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OomiStatusResultSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { installLightFixture } from "../../test/support.js";
import { runDelete } from "../commands/local-runtime.js";
import { runStatus } from "../commands/status.js";
import { resolveManagedWorkspace } from "./legacy.js";

async function homeWithLegacy(slug: string) {
  const home = await mkdtemp(join(tmpdir(), "oomi-legacy-"));
  const legacyRoot = join(home, ".openclaw", "personas");
  await mkdir(legacyRoot, { recursive: true });
  await installLightFixture(legacyRoot, slug);
  const root = join(home, ".openclaw", "workspace", "personas");
  const ctx = { env: { HOME: home, PATH: process.env.PATH ?? "" }, cwd: home, progress: () => {} };
  return { home, legacyRoot, root, ctx };
}

describe("legacy workspaces (~/.openclaw/personas/<slug>), moved as upstream does", () => {
  it("status moves a legacy workspace into the root and leaves a link at the old path; delete removes both", async () => {
    const { legacyRoot, root, ctx } = await homeWithLegacy("old-one");
    const status = OomiStatusResultSchema.parse(await runStatus("old-one", {}, ctx));
    expect(status).toMatchObject({
      ok: true,
      workspaceRoot: root,
      workspacePath: join(root, "old-one"),
      editableWorkspacePath: join(root, "old-one"),
      compatibilityWorkspacePath: join(legacyRoot, "old-one"),
      migratedFromLegacy: true,
      legacyProxyCreated: true,
      canonicalProxyCreated: false,
      workspaceExists: true,
    });
    expect(existsSync(join(root, "old-one", "persona.json"))).toBe(true);
    expect(readlinkSync(join(legacyRoot, "old-one"))).toBe(join(root, "old-one"));
    // Once moved, it stays: a second status migrates nothing.
    expect(await runStatus("old-one", {}, ctx)).toMatchObject({ migratedFromLegacy: false, workspaceExists: true });

    expect(await runDelete("old-one", {}, ctx)).toMatchObject({ ok: true, deleted: true, stopped: false });
    expect(existsSync(join(root, "old-one"))).toBe(false);
    expect(() => lstatSync(join(legacyRoot, "old-one"))).toThrow();
  });

  it("never moves a symlink, never overwrites a workspace in the root, and links nothing for a persona that never lived there", async () => {
    const { home, legacyRoot, root, ctx } = await homeWithLegacy("kept");
    const elsewhere = join(home, "elsewhere");
    await mkdir(elsewhere, { recursive: true });
    await symlink(elsewhere, join(legacyRoot, "linked"));
    expect(resolveManagedWorkspace("linked", root, ctx.env)).toMatchObject({ migratedFromLegacy: false, legacyProxyCreated: false });
    expect(existsSync(join(root, "linked"))).toBe(false);

    await mkdir(join(root, "kept"), { recursive: true });
    await writeFile(join(root, "kept", "mine.txt"), "root copy");
    expect(resolveManagedWorkspace("kept", root, ctx.env)).toMatchObject({ migratedFromLegacy: false });
    expect(existsSync(join(legacyRoot, "kept", "persona.json"))).toBe(true);

    const fresh = resolveManagedWorkspace("fresh-one", root, ctx.env);
    expect(fresh).toMatchObject({ migratedFromLegacy: false, legacyProxyCreated: false, canonicalProxyCreated: false });
    expect(existsSync(join(legacyRoot, "fresh-one"))).toBe(false);
    expect(resolveManagedWorkspace("fresh-one", legacyRoot, ctx.env).compatibilityWorkspacePath).toBe("");
  });
});
