import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipHooksInstallResultSchema, ClawhipPluginsListSchema, ClawhipSharedHookEventSchema } from "@clawbridge/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { runCli } from "../cli/program.js";
import { BRIDGE_FILE, CLAUDE_SETTINGS_FILE, CODEX_HOOKS_FILE, hookCommand } from "./install.js";
import { lineDiff } from "./line-diff.js";

let home: string;
let project: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "clawhip-home-"));
  project = mkdtempSync(join(tmpdir(), "clawhip-project-"));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(project, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const io = recordingIo({ env: { HOME: home }, cwd: project });
  const code = await runCli(args, io);
  return { code, out: io.out.join(""), err: io.err.join("") };
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const commandsOf = (file: any, event: string) => (file.hooks[event] as any[]).flatMap((g) => g.hooks.map((h: any) => h.command));

describe("clawhip hooks install (upstream hooks/mod.rs install tests)", () => {
  it("global install writes the bridge, ~/.codex/hooks.json and ~/.claude/settings.json with all five shared events", async () => {
    const { code, out } = await cli(["hooks", "install", "--json"]);
    expect(code).toBe(0);
    const result = ClawhipHooksInstallResultSchema.parse(JSON.parse(out));
    const bridge = join(home, BRIDGE_FILE);
    expect(result.files.map((f) => f.path)).toEqual([bridge, join(home, CODEX_HOOKS_FILE), join(home, CLAUDE_SETTINGS_FILE)]);
    expect(result.files.every((f) => f.changed)).toBe(true);
    expect(statSync(bridge).mode & 0o777).toBe(0o755);
    expect(readFileSync(bridge, "utf8")).toContain(' native hook "$@" >/dev/null');
    for (const [file, provider] of [
      [CODEX_HOOKS_FILE, "codex"],
      [CLAUDE_SETTINGS_FILE, "claude-code"],
    ] as const) {
      const doc = readJson(join(home, file));
      for (const event of ClawhipSharedHookEventSchema.options) expect(commandsOf(doc, event)).toEqual([hookCommand(bridge, provider)]);
      expect(doc.hooks.PreToolUse[0].matcher).toBe(".*");
      expect(doc.hooks.SessionStart[0]).not.toHaveProperty("matcher");
      expect(statSync(join(home, file)).mode & 0o777).toBe(0o600);
    }
  });

  it("is idempotent: a second run changes nothing and adds no duplicate", async () => {
    await cli(["hooks", "install"]);
    const before = readFileSync(join(home, CLAUDE_SETTINGS_FILE), "utf8");
    const { code, out } = await cli(["hooks", "install", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(out).files.map((f: { changed: boolean }) => f.changed)).toEqual([false, false, false]);
    expect(readFileSync(join(home, CLAUDE_SETTINGS_FILE), "utf8")).toBe(before);
  });

  it("keeps every other setting and hook, in its place, and the file's permissions", async () => {
    const path = join(home, CLAUDE_SETTINGS_FILE);
    mkdirSync(join(home, ".claude"));
    const theirs = {
      model: "opus",
      hooks: {
        PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "audit.sh" }] }],
        SessionStart: [{ hooks: [{ type: "command", command: "hello.sh" }] }],
        Notification: [{ hooks: [{ type: "command", command: "notify.sh" }] }],
      },
      env: { SOME_KEY: "kept" },
    };
    writeFileSync(path, JSON.stringify(theirs), { mode: 0o644 });
    expect((await cli(["hooks", "install", "--provider", "claude-code"])).code).toBe(0);
    const doc = readJson(path);
    expect(Object.keys(doc)).toEqual(["model", "hooks", "env"]);
    expect(doc.env).toEqual({ SOME_KEY: "kept" });
    expect(doc.hooks.Notification).toEqual(theirs.hooks.Notification);
    const command = hookCommand(join(home, BRIDGE_FILE), "claude-code");
    expect(doc.hooks.PreToolUse).toEqual([theirs.hooks.PreToolUse[0], { matcher: ".*", hooks: [{ type: "command", command }] }]);
    expect(commandsOf(doc, "SessionStart")).toEqual(["hello.sh", command]);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(() => statSync(join(home, CODEX_HOOKS_FILE))).toThrow();
  });

  it("--dry-run prints the diff and writes nothing", async () => {
    const { code, out } = await cli(["hooks", "install", "--provider", "codex", "--dry-run"]);
    expect(code).toBe(0);
    expect(out).toContain(`would change: ${join(home, CODEX_HOOKS_FILE)}`);
    expect(out).toContain(`+++ ${join(home, CODEX_HOOKS_FILE)}`);
    expect(out.split("\n")).toContain(`+            "command": ${JSON.stringify(hookCommand(join(home, BRIDGE_FILE), "codex"))}`);
    expect(() => statSync(join(home, ".codex"))).toThrow();
    expect(() => statSync(join(home, ".clawhip"))).toThrow();
  });

  it("project scope puts Codex hooks in <root>/.codex/hooks.json and the bridge in the home folder", async () => {
    const { code, out } = await cli(["hooks", "install", "--provider", "codex", "--scope", "project", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(out).files.map((f: { path: string }) => f.path)).toEqual([join(home, BRIDGE_FILE), join(project, CODEX_HOOKS_FILE)]);
    expect(commandsOf(readJson(join(project, CODEX_HOOKS_FILE)), "Stop")).toEqual([hookCommand(join(home, BRIDGE_FILE), "codex")]);
  });

  it("project scope refuses Claude Code, alone or implied by --all, and writes nothing", async () => {
    for (const args of [["--provider", "claude-code"], ["--all"], []]) {
      const { code, out } = await cli(["hooks", "install", "--scope", "project", "--json", ...args]);
      expect(code).toBe(2);
      expect(JSON.parse(out).error.message).toContain("Claude Code");
    }
    expect(() => statSync(join(home, ".clawhip"))).toThrow();
  });

  it("a settings file that is not JSON, or not the hooks layout, stops the install with nothing changed", async () => {
    mkdirSync(join(home, ".codex"));
    for (const [text, message] of [
      ["{ not json", "is not valid JSON"],
      [JSON.stringify({ hooks: { Stop: { command: "x" } } }), "at hooks.Stop"],
      ["[]", "expected object"],
    ] as const) {
      writeFileSync(join(home, CODEX_HOOKS_FILE), text);
      const { code, out } = await cli(["hooks", "install", "--json"]);
      expect(code).toBe(2);
      expect(JSON.parse(out).error.message).toContain(message);
      expect(readFileSync(join(home, CODEX_HOOKS_FILE), "utf8")).toBe(text);
      expect(() => statSync(join(home, ".clawhip"))).toThrow();
      expect(() => statSync(join(home, ".claude"))).toThrow();
    }
  });

  it("without HOME it says why", async () => {
    const io = recordingIo({ env: {}, cwd: project });
    expect(await runCli(["hooks", "install"], io)).toBe(2);
    expect(io.err.join("")).toContain("HOME is not set");
  });
});

describe("clawhip plugins list", () => {
  it("lists the bundled Codex and Claude Code plugins", async () => {
    const { code, out } = await cli(["plugins", "list", "--json"]);
    expect(code).toBe(0);
    const list = ClawhipPluginsListSchema.parse(JSON.parse(out));
    expect(list.plugins.map((p) => p.name)).toEqual(["claude-code", "codex"]);
    expect(list.plugins.every((p) => p.bridge.endsWith("bridge.sh"))).toBe(true);
  });

  it("reads --dir, skips folders without a manifest, and names a broken one", async () => {
    const dir = join(project, "plugins");
    mkdirSync(join(dir, "mine"), { recursive: true });
    mkdirSync(join(dir, "empty"));
    writeFileSync(join(dir, "mine", "plugin.toml"), 'name = "mine"\nbridge = "run.sh"\n');
    writeFileSync(join(dir, "mine", "run.sh"), "#!/bin/sh\n");
    const ok = await cli(["plugin", "list", "--dir", dir, "--json"]);
    expect(JSON.parse(ok.out).plugins).toEqual([{ name: "mine", description: null, bridge: join(dir, "mine", "run.sh") }]);
    writeFileSync(join(dir, "mine", "plugin.toml"), 'name = "mine"\nbridge = "gone.sh"\n');
    const broken = await cli(["plugins", "list", "--dir", dir, "--json"]);
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.out).error.message).toContain("gone.sh");
  });
});

describe("lineDiff", () => {
  it("shows added and removed lines with context, nothing for equal texts", () => {
    expect(lineDiff("f", "a\nb\nc\n", "a\nb\nc\n")).toBe("");
    expect(lineDiff("f", "a\nb\nc\nd\ne\nf\n", "a\nb\nX\nd\ne\nf\n", 1)).toBe("--- f\n+++ f\n@@\n b\n-c\n+X\n d\n");
    expect(lineDiff("f", "", "new\n")).toBe("--- f\n+++ f\n@@\n+new\n");
  });
});
