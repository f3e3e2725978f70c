import { dirname, join, resolve } from "node:path";
import {
  type ClawhipAgentPayload,
  ClawhipAgentPayloadSchema,
  ClawhipClusterStatusSchema,
  type ClawhipConfig,
  ClawhipCustomPayloadSchema,
  ClawhipExplanationSchema,
  ClawhipFormatSchema,
  ClawhipGitHooksResultSchema,
  ClawhipHealthSchema,
  ClawhipHookProviderSchema,
  ClawhipHooksInstallResultSchema,
  ClawhipPluginsListSchema,
  ClawhipTmuxListSchema,
  type ClawhipTmuxRegistrationInput,
  ClawhipUpdateApprovedSchema,
  ClawhipUpdateDismissedSchema,
  ClawhipUpdateStatusSchema,
  CliExitCode,
} from "@clawbridge/contracts";
import { Command, CommanderError, Option } from "commander";
import { clusterStatusText, readClusterStatus } from "../cluster/cluster-status.js";
import { redactedTargetValue } from "../deliver/redact-target.js";
import { collectHookContext, systemRun } from "../hooks/hook-context.js";
import { HookInstallError, installHooks } from "../hooks/install.js";
import { listPlugins, PluginError, pluginsDir } from "../hooks/plugins.js";
import { acceptIncoming, acceptIngress, type IngressSurface } from "../ingress/accept.js";
import { startDaemon } from "../ingress/daemon.js";
import { eventFromEmitArgs, eventWireBody } from "../normalize/emit-args.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { IngressError } from "../normalize/ingress-error.js";
import { priorityFor } from "../normalize/kinds.js";
import { renderEvent } from "../render/render-event.js";
import { explainRouting, explanationText } from "../route/explain.js";
import { cronJobEvent, readStateFile } from "../sources/cron.js";
import { GitSourceError, gitBranchChangedPayload, gitCommitPayload, installGitHooks } from "../sources/git-source.js";
import { checkForUpdate } from "../sources/update-checker.js";
import { PACKAGE_NAME, VERSION } from "../version.js";
import { CliError } from "./cli-error.js";
import { type CliIo, parseJsonInput, readInput } from "./cli-io.js";
import { daemonToken, daemonUrl, discordToken, resolveConfig, stateDir } from "./cli-settings.js";
import { expectAccepted, getFromDaemon, postToDaemon } from "./daemon-client.js";

const SURFACES = ["event", "omx-hook", "native-hook", "native-hook-v1"] as const satisfies readonly IngressSurface[];
const OMX_HOOK_PATH = "/api/omx/hook";
const NATIVE_HOOK_V1_PATH = "/api/native/v1/hook";

interface Output {
  json: boolean;
}

function print(io: CliIo, output: Output, success: Record<string, unknown>, human: string): void {
  if (output.json) io.stdout(`${JSON.stringify({ ok: true, ...success })}\n`);
  else io.stdout(human.endsWith("\n") ? human : `${human}\n`);
}

/** Decode, normalize and validate a file's body as the daemon would; invalid input is exit 2. */
async function acceptFromInput(io: CliIo, file: string | undefined, surface: IngressSurface, config: ClawhipConfig) {
  const body = parseJsonInput(await readInput(io, file), file && file !== "-" ? file : "stdin");
  const outcome = acceptIngress(surface, body, config);
  if (!outcome.ok) throw new CliError(`invalid_event_${outcome.status}`, outcome.body.error);
  return outcome;
}

/** A hook body from --payload, --file or stdin. */
async function hookInput(io: CliIo, opts: { payload?: string; file?: string }): Promise<unknown> {
  if (opts.payload !== undefined && opts.file !== undefined) throw new CliError("usage", "give --payload or --file, not both");
  const text = opts.payload ?? (await readInput(io, opts.file));
  return parseJsonInput(text, opts.payload !== undefined ? "--payload" : (opts.file ?? "stdin"));
}

const ingressOption = () => new Option("--ingress <surface>", "how to read the input").choices(SURFACES).default("event");
const jsonOption = () => new Option("--json", "print exactly one JSON document");

export function buildProgram(io: CliIo): Command {
  const program = new Command("clawhip")
    .description("Normalize, route, render and deliver OMC/OMX/native session events.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command("serve")
    .description("run the ingress daemon (POST /event, /api/omx/hook, /api/native/hook, /api/native/v1/hook; GET /health)")
    .option("--config <file>", "clawhip.toml")
    .option("--bind <addr>", "address to bind (default 127.0.0.1)")
    .option("--port <n>", "port (0 picks a free one)")
    .option("--state-dir <dir>", "where the delivery spool lives")
    .addOption(jsonOption())
    .action(async (opts: { config?: string; bind?: string; port?: string; stateDir?: string; json?: boolean }) => {
      const { config, path } = await resolveConfig(io, opts.config);
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
        throw new CliError("invalid_port", `--port must be 0..65535, got ${opts.port}`);
      const dir = stateDir(io, opts.stateDir, config);
      const token = io.env.CLAWHIP_TOKEN || undefined;
      const githubSecret = io.env.CLAWHIP_GITHUB_WEBHOOK_SECRET || undefined;
      const githubToken = io.env.CLAWHIP_GITHUB_TOKEN?.trim() || undefined;
      const botToken = discordToken(io);
      let daemon: Awaited<ReturnType<typeof startDaemon>>;
      try {
        daemon = await startDaemon({
          config,
          stateDir: dir,
          log: (level, message) => io.stderr(`clawhip ${level}: ${message}\n`),
          ...(opts.bind ? { bind: opts.bind } : {}),
          ...(port !== undefined ? { port } : {}),
          ...(token ? { token } : {}),
          ...(githubSecret ? { githubSecret } : {}),
          ...(githubToken ? { githubToken } : {}),
          ...(botToken ? { discordToken: botToken } : {}),
        });
      } catch (error) {
        throw new CliError("serve_failed", `cannot start the daemon: ${(error as Error).message}`, CliExitCode.failure);
      }
      print(
        io,
        { json: !!opts.json },
        { url: daemon.url, pid: process.pid, stateDir: dir, config: path ?? null },
        `clawhip ${VERSION} listening on ${daemon.url} (state ${dir}${path ? `, config ${path}` : ""})`,
      );
      await io.untilStopped();
      await daemon.close();
    });

  program
    .command("emit")
    .description("build an event from --key value pairs, validate it locally, then POST it to /event")
    .argument("<event>", "event kind, e.g. agent.finished or session.failed")
    .argument("[fields...]", "--key value pairs (--agent, --session, --project, --summary, --error, --elapsed, --payload JSON, …)")
    .option("--dry-run", "validate and print, do not send")
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (kind: string, fields: string[], opts: { dryRun?: boolean; url?: string; config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      let incoming: IncomingEvent;
      try {
        incoming = eventFromEmitArgs(kind, fields);
      } catch (error) {
        if (error instanceof IngressError) throw new CliError("invalid_fields", `clawhip error: ${error.message}`, CliExitCode.failure);
        throw error;
      }
      const outcome = acceptIncoming(incoming, config);
      if (!outcome.ok) throw new CliError("invalid_event", `clawhip error: ${outcome.body.error}`, CliExitCode.failure);
      const body = eventWireBody(incoming);
      if (opts.dryRun) {
        print(io, { json: !!opts.json }, { dryRun: true, type: outcome.event.kind, body }, JSON.stringify(body, null, 2));
        return;
      }
      const reply = expectAccepted(await postToDaemon(io, daemonUrl(io, opts.url, config), "/event", body, daemonToken(io, config)));
      print(io, { json: !!opts.json }, reply.body as Record<string, unknown>, JSON.stringify(reply.body));
    });

  program
    .command("omx")
    .description("OMX integration")
    .command("hook")
    .description(`POST an OMX v1 hook envelope to ${OMX_HOOK_PATH}`)
    .option("--payload <json>", "the hook body as JSON")
    .option("--file <file>", "read the hook body from a file")
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (opts: { payload?: string; file?: string; url?: string; config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      const body = await hookInput(io, opts);
      const reply = expectAccepted(await postToDaemon(io, daemonUrl(io, opts.url, config), OMX_HOOK_PATH, body, daemonToken(io, config)));
      print(io, { json: !!opts.json }, reply.body as Record<string, unknown>, JSON.stringify(reply.body));
    });

  program
    .command("native")
    .description("provider-native hooks (Codex, Claude Code)")
    .command("hook")
    .description(
      `forward a provider's hook JSON (stdin, --payload or --file) to ${NATIVE_HOOK_V1_PATH}, with the repository, project, tmux and prompt context added`,
    )
    .option("--provider <name>", "who sent the hook: codex, claude-code, … (default: the body's provider, then CLAWHIP_PROVIDER)")
    .option("--payload <json>", "the hook body as JSON")
    .option("--file <file>", "read the hook body from a file")
    .option("--raw", "post the body as given, without adding context (it already is a bridge payload)")
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(
      async (opts: {
        provider?: string;
        payload?: string;
        file?: string;
        raw?: boolean;
        url?: string;
        config?: string;
        json?: boolean;
      }) => {
        const { config } = await resolveConfig(io, opts.config);
        const input = await hookInput(io, opts);
        const given = input && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
        const provider =
          opts.provider ?? (typeof given?.provider === "string" ? given.provider : undefined) ?? io.env.CLAWHIP_PROVIDER ?? "unknown";
        const body = opts.raw
          ? { ...given, provider }
          : await collectHookContext(input, provider, io.cwd, {
              run: systemRun,
              env: io.env,
              now: () => new Date(),
              warn: (message) => io.stderr(`clawhip warning: ${message}\n`),
            });
        const reply = expectAccepted(
          await postToDaemon(io, daemonUrl(io, opts.url, config), NATIVE_HOOK_V1_PATH, body, daemonToken(io, config)),
        );
        print(io, { json: !!opts.json }, reply.body as Record<string, unknown>, JSON.stringify(reply.body));
      },
    );

  program
    .command("hooks")
    .description("provider-native hook forwarding")
    .command("install")
    .description("register clawhip's bridge for the five shared hook events in Codex and/or Claude Code settings")
    .addOption(new Option("--provider <name...>", "only these providers (default: all)").choices(ClawhipHookProviderSchema.options))
    .option("--all", "every supported provider (the default)")
    .addOption(
      new Option("--scope <scope>", "global: ~/.codex, ~/.claude; project: <root>/.codex (Codex only)")
        .choices(["global", "project"])
        .default("global"),
    )
    .option("--root <dir>", "project root for --scope project (default: the current folder)")
    .option("--dry-run", "print what would change, as a diff, and write nothing")
    .addOption(jsonOption())
    .action(
      async (opts: {
        provider?: string[];
        all?: boolean;
        scope: "global" | "project";
        root?: string;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const home = io.env.HOME;
        if (!home) throw new CliError("no_home", "HOME is not set: the bridge and the global settings live under it");
        const providers =
          opts.all || !opts.provider ? ClawhipHookProviderSchema.options : ClawhipHookProviderSchema.array().parse(opts.provider);
        let result: Awaited<ReturnType<typeof installHooks>>;
        try {
          result = await installHooks({
            providers,
            scope: opts.scope,
            home,
            root: resolve(io.cwd, opts.root ?? "."),
            clawhipCommand: io.clawhipCommand,
            dryRun: !!opts.dryRun,
          });
        } catch (error) {
          if (error instanceof HookInstallError) throw new CliError("hooks_install", error.message);
          throw error;
        }
        const verb = (changed: boolean) => (changed ? (result.dryRun ? "would change" : "updated") : "unchanged");
        const lines = result.files.map((f) => `${verb(f.changed)}: ${f.path}`);
        if (result.dryRun) lines.push(...result.files.filter((f) => f.changed).map((f) => f.diff.trimEnd()));
        else lines.push(`events: SessionStart, PreToolUse, PostToolUse, UserPromptSubmit, Stop → ${NATIVE_HOOK_V1_PATH}`);
        print(io, { json: !!opts.json }, ClawhipHooksInstallResultSchema.parse(result), lines.join("\n"));
      },
    );

  const gitCommand = program.command("git").description("git commit and branch events (run by the hooks `git install-hooks` writes)");
  const gitDeps = { run: systemRun, env: io.env };
  const gitFailure = (error: unknown): never => {
    if (error instanceof GitSourceError) throw new CliError("git", error.message);
    throw error;
  };
  const sendGitEvent = async (
    type: "git.commit" | "git.branch-changed",
    payload: object,
    opts: { channel?: string; url?: string; config?: string; json?: boolean; dryRun?: boolean },
  ) => {
    const body = { type, payload, ...(opts.channel ? { channel: opts.channel } : {}) };
    if (opts.dryRun) {
      print(io, { json: !!opts.json }, { dryRun: true, body }, JSON.stringify(body, null, 2));
      return;
    }
    const { config } = await resolveConfig(io, opts.config);
    const reply = expectAccepted(await postToDaemon(io, daemonUrl(io, opts.url, config), "/event", body, daemonToken(io, config)));
    print(io, { json: !!opts.json }, reply.body as Record<string, unknown>, JSON.stringify(reply.body));
  };
  const gitSendOptions = (command: Command) =>
    command
      .option("--channel <id>", "Discord channel for this event (routes may override)")
      .option("--dry-run", "print the event, do not send it")
      .option("--url <url>", "daemon URL")
      .option("--config <file>", "clawhip.toml")
      .addOption(jsonOption());

  gitSendOptions(
    gitCommand
      .command("commit")
      .description("POST a git.commit event for HEAD of the current repository, or for every commit of --range")
      .option("--range <range>", "OLD..NEW: all commits in it as one event (a push or merge)"),
  ).action(async (opts: { range?: string; channel?: string; url?: string; config?: string; json?: boolean; dryRun?: boolean }) => {
    const payload = await gitCommitPayload(gitDeps, io.cwd, opts.range).catch(gitFailure);
    await sendGitEvent("git.commit", payload, opts);
  });

  gitSendOptions(
    gitCommand
      .command("branch-changed")
      .description("POST a git.branch-changed event (post-checkout passes the two refs)")
      .requiredOption("--old-ref <ref>", "the ref checked out before")
      .requiredOption("--new-ref <ref>", "the ref checked out now"),
  ).action(
    async (opts: { oldRef: string; newRef: string; channel?: string; url?: string; config?: string; json?: boolean; dryRun?: boolean }) => {
      const payload = await gitBranchChangedPayload(gitDeps, io.cwd, opts.oldRef, opts.newRef).catch(gitFailure);
      await sendGitEvent("git.branch-changed", payload, opts);
    },
  );

  gitCommand
    .command("install-hooks")
    .description("write post-commit and post-checkout hooks that report to clawhip into the repository")
    .option("--root <dir>", "the repository (default: the current folder)")
    .option("--dry-run", "print what would change, as a diff, and write nothing")
    .addOption(jsonOption())
    .action(async (opts: { root?: string; dryRun?: boolean; json?: boolean }) => {
      const result = await installGitHooks(gitDeps, resolve(io.cwd, opts.root ?? "."), io.clawhipCommand, !!opts.dryRun).catch(gitFailure);
      const lines = result.files.map((f) => `${f.changed ? (result.dryRun ? "would change" : "updated") : "unchanged"}: ${f.path}`);
      if (result.dryRun) lines.push(...result.files.filter((f) => f.changed).map((f) => f.diff.trimEnd()));
      print(io, { json: !!opts.json }, ClawhipGitHooksResultSchema.parse(result), lines.join("\n"));
    });

  const tmuxCommand = program.command("tmux").description("tmux sessions the daemon watches for keywords and quiet panes");
  tmuxCommand
    .command("watch")
    .description("register a tmux session with the daemon (POST /api/tmux/register); kept across daemon restarts")
    .requiredOption("-s, --session <name>", "tmux session name")
    .option("--keywords <list>", "comma-separated keywords to report when they appear in new output")
    .option("--keyword-window-secs <n>", "send the hits of this many seconds as one message (default 30)")
    .option("--stale-minutes <n>", "report a pane silent this long; 0 turns it off (default 10)")
    .option("--channel <id>", "Discord channel for this session's events")
    .option("--mention <text>", "mention prefixed to this session's messages")
    .addOption(new Option("--format <format>", "message format").choices(ClawhipFormatSchema.options))
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(
      async (opts: {
        session: string;
        keywords?: string;
        keywordWindowSecs?: string;
        staleMinutes?: string;
        channel?: string;
        mention?: string;
        format?: ClawhipTmuxRegistrationInput["format"];
        url?: string;
        config?: string;
        json?: boolean;
      }) => {
        const { config } = await resolveConfig(io, opts.config);
        const number = (flag: string, value: string | undefined) => {
          if (value === undefined) return undefined;
          const parsed = Number(value);
          if (!Number.isInteger(parsed)) throw new CliError("usage", `${flag} must be a whole number, got ${value}`);
          return parsed;
        };
        const registration: ClawhipTmuxRegistrationInput = { session: opts.session };
        if (opts.keywords !== undefined)
          registration.keywords = opts.keywords
            .split(",")
            .map((k) => k.trim())
            .filter((k) => k !== "");
        const window = number("--keyword-window-secs", opts.keywordWindowSecs);
        if (window !== undefined) registration.keyword_window_secs = window;
        const stale = number("--stale-minutes", opts.staleMinutes);
        if (stale !== undefined) registration.stale_minutes = stale;
        if (opts.channel) registration.channel = opts.channel;
        if (opts.mention) registration.mention = opts.mention;
        if (opts.format) registration.format = opts.format;
        const reply = expectAccepted(
          await postToDaemon(io, daemonUrl(io, opts.url, config), "/api/tmux/register", registration, daemonToken(io, config)),
        );
        print(io, { json: !!opts.json }, reply.body as Record<string, unknown>, `watching tmux session ${opts.session}`);
      },
    );
  tmuxCommand
    .command("list")
    .description("list the tmux sessions the daemon watches (GET /api/tmux)")
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (opts: { url?: string; config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      const reply = await getFromDaemon(io, daemonUrl(io, opts.url, config), "/api/tmux", daemonToken(io, config));
      if (reply.status !== 200) expectAccepted(reply);
      const list = ClawhipTmuxListSchema.parse(reply.body);
      const lines = list.registrations.map(
        (r) =>
          `${r.session}\tkeywords=${r.keywords.join(",") || "-"}\tstale=${r.stale_minutes}m\tsince ${r.registered_at ?? "?"}${r.registration_source === "config-monitor" ? "\t(config)" : ""}`,
      );
      print(
        io,
        { json: !!opts.json },
        { registrations: list.registrations },
        lines.length > 0 ? lines.join("\n") : "no tmux sessions watched",
      );
    });

  program
    .command("status")
    .description("ask the daemon how it is (GET /health) and print it as JSON")
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (opts: { url?: string; config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      const reply = await getFromDaemon(io, daemonUrl(io, opts.url, config), "/health", undefined);
      if (reply.status !== 200) expectAccepted(reply);
      const health = ClawhipHealthSchema.parse(reply.body);
      print(io, { json: !!opts.json }, { health }, JSON.stringify(health, null, 2));
    });

  const updateCommand = program.command("update").description("the update lifecycle: a newer release, approved or dismissed ([update])");
  updateCommand
    .command("check")
    .description("ask the npm registry whether a newer clawhip is released (no daemon needed)")
    .option("--registry <url>", "npm registry (default [update].registry)")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (opts: { registry?: string; config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      let result: Awaited<ReturnType<typeof checkForUpdate>>;
      try {
        result = await checkForUpdate(fetch, opts.registry ?? config.update.registry, PACKAGE_NAME, VERSION);
      } catch (error) {
        throw new CliError("update_check_failed", `update check failed: ${(error as Error).message}`, CliExitCode.failure);
      }
      const text =
        result.latest_version === null
          ? "No releases found"
          : result.update_available
            ? `Update available: v${VERSION} -> ${result.latest_version}\n${result.release_url}`
            : `Already up to date (v${VERSION})`;
      print(io, { json: !!opts.json }, result, text);
    });
  for (const [name, description] of [
    ["status", "the pending update the daemon found, if any (GET /api/update/status)"],
    ["approve", "install the pending update (POST /api/update/approve)"],
    ["dismiss", "forget the pending update (POST /api/update/dismiss)"],
  ] as const) {
    updateCommand
      .command(name)
      .description(description)
      .option("--url <url>", "daemon URL")
      .option("--config <file>", "clawhip.toml")
      .addOption(jsonOption())
      .action(async (opts: { url?: string; config?: string; json?: boolean }) => {
        const { config } = await resolveConfig(io, opts.config);
        const url = daemonUrl(io, opts.url, config);
        const path = `/api/update/${name}`;
        const token = daemonToken(io, config);
        const reply = name === "status" ? await getFromDaemon(io, url, path, token) : await postToDaemon(io, url, path, {}, token);
        if (reply.status !== 200) expectAccepted(reply);
        if (name === "status") {
          const update = ClawhipUpdateStatusSchema.parse(reply.body);
          print(io, { json: !!opts.json }, { update }, JSON.stringify(update, null, 2));
          return;
        }
        const body = (name === "approve" ? ClawhipUpdateApprovedSchema : ClawhipUpdateDismissedSchema).parse(reply.body);
        print(io, { json: !!opts.json }, body, JSON.stringify(body, null, 2));
      });
  }
  program
    .command("cluster")
    .description('cluster mode ([cluster] backend = "nats"): several daemons sharing one JetStream delivery stream')
    .command("status")
    .description("stream depth, pending per target, redeliveries, dead letters and daemons seen, read from NATS")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (opts: { config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      if (!config.cluster) throw new CliError("no_cluster", 'the config has no [cluster] section (backend = "nats", servers = [...])');
      let status: ReturnType<typeof ClawhipClusterStatusSchema.parse>;
      try {
        status = ClawhipClusterStatusSchema.parse(await readClusterStatus(config.cluster, io.env, Date.now()));
      } catch (error) {
        throw new CliError("cluster_unavailable", `cannot read the cluster status: ${(error as Error).message}`, CliExitCode.failure);
      }
      const { ok: _ok, ...fields } = status;
      print(io, { json: !!opts.json }, fields, clusterStatusText(status));
    });

  const postEvent = async (body: object, opts: { url?: string; config?: string; json?: boolean }) => {
    const { config } = await resolveConfig(io, opts.config);
    const reply = expectAccepted(await postToDaemon(io, daemonUrl(io, opts.url, config), "/event", body, daemonToken(io, config)));
    print(io, { json: !!opts.json }, reply.body as Record<string, unknown>, JSON.stringify(reply.body));
  };

  program
    .command("send")
    .description("POST a custom event: the message is delivered as written")
    .requiredOption("--message <text>", "the message")
    .option("--channel <id>", "Discord channel (routes may override)")
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (opts: { message: string; channel?: string; url?: string; config?: string; json?: boolean }) => {
      const payload = ClawhipCustomPayloadSchema.safeParse({ message: opts.message });
      if (!payload.success) throw new CliError("usage", "--message must not be empty");
      await postEvent({ type: "custom", ...(opts.channel ? { channel: opts.channel } : {}), payload: payload.data }, opts);
    });

  program
    .command("cron")
    .description("scheduled messages ([[cron.jobs]])")
    .command("run")
    .description("post one configured cron job's message now (for system cron or a test)")
    .argument("<id>", "the job's id")
    .option("--url <url>", "daemon URL")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (id: string, opts: { url?: string; config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      const job = config.cron.jobs.find((j) => j.id === id);
      if (!job)
        throw new CliError(
          "unknown_cron_job",
          `no cron job '${id}' in the config (jobs: ${config.cron.jobs.map((j) => j.id).join(", ") || "none"})`,
        );
      if (!job.enabled) throw new CliError("disabled_cron_job", `cron job '${id}' is disabled`);
      // A manual run is never held back by the state file's gate, but carries what it says (as upstream).
      const state = job.state_file === undefined ? undefined : await readStateFile(job.state_file);
      await postEvent(eventWireBody(cronJobEvent(job, state)), opts);
    });

  const agentCommand = program.command("agent").description("agent lifecycle events, for scripts written for upstream clawhip");
  for (const status of ClawhipAgentPayloadSchema.shape.status.options) {
    const command = agentCommand
      .command(status)
      .description(`POST an agent.${status} event`)
      .requiredOption("--name <agent>", "agent name")
      .option("--session <id>", "session id")
      .option("--project <name>", "project")
      .option("--elapsed <secs>", "elapsed seconds")
      .option("--summary <text>", "summary")
      .option("--mention <text>", "mention prefixed to the message")
      .option("--channel <id>", "Discord channel (routes may override)")
      .option("--url <url>", "daemon URL")
      .option("--config <file>", "clawhip.toml")
      .addOption(jsonOption());
    if (status === "failed") command.requiredOption("--error <message>", "what failed");
    command.action(
      async (opts: {
        name: string;
        session?: string;
        project?: string;
        elapsed?: string;
        summary?: string;
        mention?: string;
        error?: string;
        channel?: string;
        url?: string;
        config?: string;
        json?: boolean;
      }) => {
        const elapsed = opts.elapsed === undefined ? undefined : Number(opts.elapsed);
        if (elapsed !== undefined && (!Number.isInteger(elapsed) || elapsed < 0))
          throw new CliError("usage", `--elapsed must be whole seconds, got ${opts.elapsed}`);
        const candidate: ClawhipAgentPayload = { agent_name: opts.name, status };
        if (opts.session !== undefined) candidate.session_id = opts.session;
        if (opts.project !== undefined) candidate.project = opts.project;
        if (elapsed !== undefined) candidate.elapsed_secs = elapsed;
        if (opts.summary !== undefined) candidate.summary = opts.summary;
        if (opts.error !== undefined) candidate.error_message = opts.error;
        if (opts.mention !== undefined) candidate.mention = opts.mention;
        const payload = ClawhipAgentPayloadSchema.safeParse(candidate);
        if (!payload.success) throw new CliError("usage", `invalid agent event: ${payload.error.issues[0]?.message}`);
        await postEvent({ type: `agent.${status}`, ...(opts.channel ? { channel: opts.channel } : {}), payload: payload.data }, opts);
      },
    );
  }

  const pluginsCommand = program.command("plugins").alias("plugin").description("tool-integration plugins");
  pluginsCommand
    .command("list")
    .description("list the plugins (plugin.toml + bridge script) in the plugin folder")
    .option("--dir <dir>", "plugin folder (default: CLAWHIP_PLUGIN_DIR, ~/.clawhip/plugins, then the bundled plugins)")
    .addOption(jsonOption())
    .action(async (opts: { dir?: string; json?: boolean }) => {
      const bundled = join(dirname(io.clawhipCommand.at(-1) ?? "."), "..", "plugins");
      const dir = pluginsDir(opts.dir === undefined ? undefined : resolve(io.cwd, opts.dir), io.env, io.env.HOME, bundled);
      let list: Awaited<ReturnType<typeof listPlugins>>;
      try {
        list = await listPlugins(dir);
      } catch (error) {
        if (error instanceof PluginError) throw new CliError("invalid_plugin", error.message);
        throw error;
      }
      const lines = list.plugins.map((p) => `${p.name}\t${p.description ?? ""}\t${p.bridge}`);
      print(io, { json: !!opts.json }, ClawhipPluginsListSchema.parse(list), lines.length > 0 ? lines.join("\n") : `no plugins in ${dir}`);
    });

  program
    .command("normalize")
    .description("print the normalized canonical event of a body as JSON")
    .argument("[file]", "input file, or - for stdin")
    .addOption(ingressOption())
    .addOption(jsonOption())
    .action(async (file: string | undefined, opts: { ingress: IngressSurface; json?: boolean }) => {
      const outcome = await acceptFromInput(io, file, opts.ingress, (await resolveConfig(io, undefined)).config);
      const event = { ...outcome.event, priority: priorityFor(outcome.event.kind, outcome.event.payload) };
      print(io, { json: !!opts.json }, { event }, JSON.stringify(event, null, 2));
    });

  program
    .command("render")
    .description("render a body the way it would be delivered (before route mentions)")
    .argument("[file]", "input file, or - for stdin")
    .addOption(new Option("--format <format>", "message format").choices(ClawhipFormatSchema.options).default("compact"))
    .addOption(ingressOption())
    .addOption(jsonOption())
    .action(
      async (file: string | undefined, opts: { format: ClawhipConfig["defaults"]["format"]; ingress: IngressSurface; json?: boolean }) => {
        const outcome = await acceptFromInput(io, file, opts.ingress, (await resolveConfig(io, undefined)).config);
        let text: string;
        try {
          text = renderEvent(outcome.event, opts.format);
        } catch (error) {
          throw new CliError("render_failed", (error as Error).message);
        }
        print(io, { json: !!opts.json }, { type: outcome.event.kind, format: opts.format, text }, text);
      },
    );

  const routes = program.command("routes").description("inspect routing");
  routes
    .command("test")
    .description("print which routes an event fires and the text each delivers")
    .argument("[file]", "input file, or - for stdin")
    .option("--config <file>", "clawhip.toml")
    .addOption(ingressOption())
    .addOption(jsonOption())
    .action(async (file: string | undefined, opts: { config?: string; ingress: IngressSurface; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      const outcome = await acceptFromInput(io, file, opts.ingress, config);
      const { plan } = outcome;
      if (!plan.ok) {
        print(
          io,
          { json: !!opts.json },
          { event: outcome.event.kind, deliveries: [], error: plan.error },
          `${outcome.event.kind}: ${plan.error}`,
        );
        return;
      }
      const deliveries = plan.deliveries.map((d) => ({ ...d, target: { kind: d.target.kind, value: redactedTargetValue(d.target) } }));
      const lines = deliveries.map(
        (d) => `${d.route === null ? "default" : `route #${d.route}`} → ${d.target.value} (${d.sink}, ${d.format}): ${d.content}`,
      );
      print(
        io,
        { json: !!opts.json },
        { event: outcome.event.kind, deliveries },
        [`${outcome.event.kind}:`, ...lines.map((l) => `  ${l}`)].join("\n"),
      );
    });

  program
    .command("explain")
    .description("show how an event would be routed, route by route and filter by filter, without sending it")
    .argument("<event>", "event kind, as for emit (e.g. git.commit, session.finished)")
    .argument("[fields...]", "--key value pairs, as for emit")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (kind: string, fields: string[], opts: { config?: string; json?: boolean }) => {
      const { config } = await resolveConfig(io, opts.config);
      let incoming: IncomingEvent;
      try {
        incoming = eventFromEmitArgs(kind, fields);
      } catch (error) {
        if (error instanceof IngressError) throw new CliError("invalid_fields", error.message);
        throw error;
      }
      const outcome = acceptIncoming(incoming, config);
      if (!outcome.ok) throw new CliError("invalid_event", outcome.body.error);
      const explanation = ClawhipExplanationSchema.parse(explainRouting(outcome.event, kind, config));
      print(io, { json: !!opts.json }, explanation, explanationText(explanation));
    });

  program
    .command("config")
    .description("configuration")
    .command("check")
    .description("validate clawhip.toml and report what it configures")
    .option("--config <file>", "clawhip.toml")
    .addOption(jsonOption())
    .action(async (opts: { config?: string; json?: boolean }) => {
      const { config, path } = await resolveConfig(io, opts.config);
      const warnings: string[] = [];
      const usesChannels = config.defaults.channel !== undefined || config.routes.some((r) => !r.webhook && !r.slack_webhook);
      if (usesChannels && !config.providers.discord?.token && !discordToken(io)) {
        warnings.push("channel targets need a Discord bot token (DISCORD_TOKEN or [providers.discord].token)");
      }
      if (!config.defaults.channel) warnings.push("no [defaults].channel: events that match no route are not delivered");
      const summary = { config: path ?? null, routes: config.routes.length, defaultChannel: config.defaults.channel ?? null, warnings };
      print(
        io,
        { json: !!opts.json },
        summary,
        [`${path ?? "(built-in defaults)"}: ok, ${config.routes.length} route(s)`, ...warnings.map((w) => `warning: ${w}`)].join("\n"),
      );
    });

  return program;
}

/** Runs the CLI; returns the exit code. `--json` failures print one `{ok:false,error}` document. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes("--json");
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return CliExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return CliExitCode.ok;
      if (json) io.stdout(`${JSON.stringify({ ok: false, error: { code: "usage", message: error.message } })}\n`);
      return CliExitCode.usage;
    }
    const failure =
      error instanceof CliError
        ? error
        : new CliError("internal", `unexpected error: ${(error as Error).stack ?? String(error)}`, CliExitCode.failure);
    if (json) io.stdout(`${JSON.stringify({ ok: false, error: { code: failure.code, message: failure.message } })}\n`);
    io.stderr(`${failure.message}\n`);
    return failure.exitCode;
  }
}
