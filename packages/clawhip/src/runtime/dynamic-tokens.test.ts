import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../test/support/virtual-clock.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { acceptIngress } from "../ingress/accept.js";
import { parseConfigObject } from "../route/config-file.js";
import { dynamicPieces } from "../route/dynamic-template.js";
import { ClawhipRuntime } from "./clawhip-runtime.js";
import {
  capTokenOutput,
  evaluateToken,
  expandPieces,
  MAX_TOKEN_CHARS,
  systemTokenDeps,
  systemTokenRun,
  TOKEN_TIMEOUT_MS,
  type TokenDeps,
  type TokenRun,
} from "./dynamic-tokens.js";

const NOW = Date.UTC(2026, 3, 2, 8, 20, 3);

/** Deps whose commands are answered by `run` (recorded), with a fixed clock and environment. */
function fakeDeps(run: TokenRun = async () => ({ status: 0, stdout: "" }), env: Record<string, string> = {}) {
  const calls: Array<{ command: string; args: readonly string[]; limits: { timeoutMs: number; maxBytes: number } }> = [];
  const deps: TokenDeps = {
    now: () => NOW,
    env,
    run: (command, args, limits) => {
      calls.push({ command, args, limits });
      return run(command, args, limits);
    },
    readFile: async () => {
      throw new Error("ENOENT");
    },
  };
  return { deps, calls };
}

describe("finding dynamic tokens (upstream dynamic_tokens.rs render_template)", () => {
  it.each([
    ["build {sh:printf hi}", ["build ", { token: "sh:printf hi" }]],
    ["{now} and {iso_time}", [{ token: "now" }, " and ", { token: "iso_time" }]],
    [
      "{env:HOME}{file_tail:/tmp/x:3}{tmux_tail:dev:0.0:20}",
      [{ token: "env:HOME" }, { token: "file_tail:/tmp/x:3" }, { token: "tmux_tail:dev:0.0:20" }],
    ],
    ["{unknown} stays, {unclosed", ["{unknown} stays, {unclosed"]],
    ["no tokens", ["no tokens"]],
  ] as const)("%j", (text, pieces) => {
    expect(dynamicPieces(text)).toEqual(pieces);
  });

  it("placeholders take the event's values, which are never scanned for tokens", () => {
    const context = new Map([["summary", "{sh:touch /tmp/pwned}"]]);
    expect(dynamicPieces("{summary} at {now}", context)).toEqual(["{sh:touch /tmp/pwned} at ", { token: "now" }]);
  });
});

describe("evaluating tokens", () => {
  it("now is the clock's Unix seconds, iso_time its UTC timestamp, env a variable of the daemon", async () => {
    const { deps } = fakeDeps(undefined, { CLAWHIP_TEST_VALUE: "  hello  " });
    expect(await evaluateToken("now", deps)).toBe(String(NOW / 1000));
    expect(await evaluateToken("iso_time", deps)).toBe("2026-04-02T08:20:03.000Z");
    expect(await evaluateToken("env:CLAWHIP_TEST_VALUE", deps)).toBe("hello");
    expect(await evaluateToken("env:CLAWHIP_NOT_SET", deps)).toBeUndefined();
    expect(await evaluateToken("unknown", deps)).toBeUndefined();
  });

  it("sh runs `sh -lc <command>` with the timeout and output bound; a failure or a timeout leaves the token as written", async () => {
    const { deps, calls } = fakeDeps(async (_command, args) =>
      args[1] === "printf hi"
        ? { status: 0, stdout: "hi\n" }
        : args[1] === "false"
          ? { status: 1, stdout: "partial" }
          : { status: null, stdout: "" },
    );
    expect(await expandPieces(dynamicPieces("build {sh:printf hi}"), deps)).toBe("build hi");
    expect(await expandPieces(dynamicPieces("x {sh:false} y"), deps)).toBe("x {sh:false} y");
    expect(await expandPieces(dynamicPieces("x {sh:sleep 60}"), deps)).toBe("x {sh:sleep 60}");
    expect(calls[0]).toEqual({ command: "sh", args: ["-lc", "printf hi"], limits: { timeoutMs: TOKEN_TIMEOUT_MS, maxBytes: 64 * 1024 } });
  });

  it("a value is cut to 1200 characters with an ellipsis", async () => {
    const { deps } = fakeDeps(async () => ({ status: 0, stdout: "é".repeat(5000) }));
    const value = (await evaluateToken("sh:yes", deps)) as string;
    expect([...value]).toHaveLength(MAX_TOKEN_CHARS + 1);
    expect(value.endsWith("é…")).toBe(true);
    expect(capTokenOutput("  short  ")).toBe("short");
  });

  it("tmux_tail captures the pane's last lines (clamped to 200) with CLAWHIP_TMUX_BIN if set", async () => {
    const { deps, calls } = fakeDeps(async () => ({ status: 0, stdout: "line 1\nline 2\n" }), { CLAWHIP_TMUX_BIN: "/opt/tmux" });
    expect(await evaluateToken("tmux_tail:dev:0.0:20", deps)).toBe("line 1\nline 2");
    expect(await evaluateToken("tmux_tail:dev:500", deps)).toBe("line 1\nline 2");
    expect(await evaluateToken("tmux_tail:no-count", deps)).toBeUndefined();
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      ["/opt/tmux", "capture-pane", "-p", "-t", "dev:0.0", "-S", "-20"],
      ["/opt/tmux", "capture-pane", "-p", "-t", "dev", "-S", "-200"],
    ]);
  });

  describe("with real files and processes", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "clawhip-tokens-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("file_tail gives the file's last lines (env_and_file_tail_tokens_expand); a missing file leaves the token", async () => {
      const path = join(dir, "log.txt");
      await writeFile(path, "one\ntwo\nthree\n");
      expect(await evaluateToken(`file_tail:${path}:2`, systemTokenDeps)).toBe("two\nthree");
      expect(await evaluateToken(`file_tail:${join(dir, "missing")}:2`, systemTokenDeps)).toBeUndefined();
    });

    it("the system runner: a real shell's output, its exit status, a deadline that kills it, a byte bound", async () => {
      expect(await evaluateToken("sh:printf hi", systemTokenDeps)).toBe("hi");
      expect(await evaluateToken("sh:exit 3", systemTokenDeps)).toBeUndefined();
      expect(await systemTokenRun("sh", ["-c", "sleep 30"], { timeoutMs: 50, maxBytes: 1024 })).toEqual({ status: null, stdout: "" });
      const big = await systemTokenRun("sh", ["-c", "head -c 200000 /dev/zero | tr '\\000' a"], { timeoutMs: 10_000, maxBytes: 1000 });
      expect(big).toEqual({ status: 0, stdout: "a".repeat(1000) });
      expect(await systemTokenRun(join(dir, "no-such-program"), [], { timeoutMs: 1000, maxBytes: 10 })).toEqual({
        status: null,
        stdout: "",
      });
    });
  });
});

function config(routes: unknown[]) {
  const parsed = parseConfigObject({ defaults: { channel: "default" }, routes });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

function plan(routes: unknown[], body: unknown) {
  const outcome = acceptIngress("event", body, config(routes));
  if (!outcome.ok || !outcome.plan.ok) throw new Error("not planned");
  return outcome.plan.deliveries;
}

describe("which deliveries evaluate tokens (upstream router.rs)", () => {
  it("off by default: the token stays as written (disabled_dynamic_tokens_remain_literal)", () => {
    const [delivery] = plan([{ event: "custom", template: "build {sh:printf hi}" }], { type: "custom", payload: { message: "m" } });
    expect(delivery?.content).toBe("build {sh:printf hi}");
    expect(delivery?.dynamic).toBeUndefined();
  });

  it("a custom message inherits the opt-in of a route for its channel (custom_send_can_inherit_dynamic_token_opt_in_from_channel_route)", async () => {
    const routes = [{ event: "tmux.*", channel: "dynamic-route", allow_dynamic_tokens: true }];
    const [inherited] = plan(routes, { type: "custom", channel: "dynamic-route", payload: { message: "{now}" } });
    const { deps } = fakeDeps();
    expect(inherited?.dynamic).toEqual([{ token: "now" }]);
    expect(await expandPieces(inherited?.dynamic ?? [], deps)).not.toBe("{now}");
    // custom_send_does_not_inherit_dynamic_tokens_without_channel_match
    const [plain] = plan(routes, { type: "custom", payload: { message: "{now}" } });
    expect(plain?.dynamic).toBeUndefined();
    expect(plain?.content).toBe("{now}");
  });

  it("text from any other event is never evaluated, with or without a template", () => {
    const routes = [{ event: "git.commit", channel: "c", allow_dynamic_tokens: true }];
    const commit = { repo: "r", branch: "main", commit: "1234567890abcdef", short_commit: "1234567", summary: "{sh:touch /tmp/pwned}" };
    const [rendered] = plan(routes, { type: "git.commit", payload: commit });
    expect(rendered?.content).toBe("git:r@main 1234567 {sh:touch /tmp/pwned}");
    expect(rendered?.dynamic).toBeUndefined();
    const [templated] = plan([{ ...routes[0], template: "{summary} at {now}" }], { type: "git.commit", payload: commit });
    expect(templated?.dynamic).toEqual(["{sh:touch /tmp/pwned} at ", { token: "now" }]);
  });

  it("a non-boolean allow_dynamic_tokens is a config error", () => {
    const parsed = parseConfigObject({ routes: [{ event: "*", channel: "c", allow_dynamic_tokens: "yes" }] });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain("routes.0.allow_dynamic_tokens");
  });
});

describe("dynamic tokens through the runtime", () => {
  const receiver = new WebhookReceiver();
  let stateDir: string;
  beforeAll(async () => {
    await receiver.start();
    stateDir = await mkdtemp(join(tmpdir(), "clawhip-tokens-runtime-"));
  });
  afterAll(async () => {
    await receiver.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("the spool holds the evaluated text before the 202, and that is what is delivered (enabled_shell_token_expands)", async () => {
    const parsed = parseConfigObject({
      routes: [
        {
          event: "custom",
          webhook: `${receiver.url}/api/webhooks/1/on`,
          template: "build {sh:printf hi} {now}",
          mention: "<@1>",
          allow_dynamic_tokens: true,
        },
        { event: "custom", webhook: `${receiver.url}/api/webhooks/1/off`, template: "build {sh:printf hi}" },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.error);
    const clock = new VirtualClock();
    const runtime = await ClawhipRuntime.start({ config: parsed.config, stateDir, clock, log: () => {} });
    try {
      expect((await runtime.accept("event", { type: "custom", payload: { message: "m" } })).status).toBe(202);
      expect(runtime.journal.pendingJobs().map((job) => job.content)).toContain(`<@1> build hi ${clock.now() / 1000}`);
      await runtime.dispatcher.idle();
      expect(receiver.requests.map((r) => [r.path.split("?")[0], r.body.content]).sort()).toEqual([
        ["/api/webhooks/1/off", "build {sh:printf hi}"],
        ["/api/webhooks/1/on", `<@1> build hi ${clock.now() / 1000}`],
      ]);
    } finally {
      await runtime.stop();
    }
  });

  it("in one ingress batch (one event-loop turn), a templated event gets its tokens and a plain one shares the batch's write", async () => {
    const commit = { repo: "r", branch: "main", commit: "1234567890abcdef", short_commit: "1234567", summary: "{sh:printf no}" };
    const parsed = parseConfigObject({
      routes: [
        { event: "custom", webhook: `${receiver.url}/api/webhooks/2/dyn`, template: "x {sh:printf hi}", allow_dynamic_tokens: true },
        { event: "git.commit", webhook: `${receiver.url}/api/webhooks/2/plain` },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.error);
    const runtime = await ClawhipRuntime.start({
      config: parsed.config,
      stateDir: join(stateDir, "batch"),
      clock: new VirtualClock(),
      log: () => {},
    });
    try {
      const replies = await runtime.acceptBatch([
        { surface: "event", text: JSON.stringify({ type: "custom", payload: { message: "a" } }) },
        { surface: "event", text: JSON.stringify({ type: "git.commit", payload: commit }) },
        { surface: "event", text: "{not json" },
      ]);
      expect(replies.map((reply) => reply.status)).toEqual([202, 202, 400]);
      // The event's own text is never evaluated, only the operator's template.
      const plain = "git:r@main 1234567 {sh:printf no}";
      await runtime.dispatcher.idle();
      expect(
        receiver.requests
          .filter((r) => r.path.startsWith("/api/webhooks/2/"))
          .map((r) => r.body.content)
          .sort(),
      ).toEqual([plain, "x hi"]);
    } finally {
      await runtime.stop();
    }
  });
});
