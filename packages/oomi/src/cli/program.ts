import { Command, CommanderError, Option } from "commander";
import type { CommandContext, CommandResult } from "../commands/context.js";
import { runStatus } from "../commands/status.js";
import { packageVersion } from "../version.js";
import type { LoadCommand } from "./command-modules.js";
import { renderFailure, renderResult, type Streams } from "./output.js";

type Handler = (ctx: CommandContext) => Promise<CommandResult>;

export interface ProgramIo extends Streams {
  env: Record<string, string | undefined>;
  cwd: string;
  isTTY: boolean;
  /** Terminal widths commander wraps help to; 80 columns when not a TTY, as commander does. */
  stdoutColumns?: number | undefined;
  stderrColumns?: number | undefined;
  cliPath: string;
  setExitCode: (code: number) => void;
  /** Loads a command module when its command runs (see command-modules.ts). */
  loadCommand: LoadCommand;
}

const SEED_ORDER = `
Managed persona creation order (first-time):
  1. oomi personas scaffold "$SLUG" --name "$NAME" --description "$DESCRIPTION" --out "$WORKSPACE_ROOT/$SLUG" --force
  2. test -f persona.json, oomi.runtime.json, package.json in the workspace
  3. oomi personas create-managed "$SLUG" --name "$NAME" --description "$DESCRIPTION" --json
  4. oomi personas launch-managed "$SLUG" --workspace-root "$WORKSPACE_ROOT" --force-install --json
  5. test -f "$WORKSPACE_ROOT/$SLUG/.oomi/runtime.json"
  6. oomi personas status "$SLUG" --json
  7. oomi personas heartbeat "$SLUG" --local-port "$(jq -r .localPort .oomi/runtime.json)" --json
Rules: create-managed before any runtime registration or heartbeat; launch-managed instead of manual
npm run dev; heartbeat only after .oomi/runtime.json exists; never treat local runtime success as
backend registration success.`;

/**
 * Builds the `oomi` command tree: all of it without `argv`, else only the part `argv` runs (the
 * help that part prints is the same; program.test.ts holds the two together). Every action but
 * `personas status` loads its command module only when it runs (`io.loadCommand`); status is part of the shell
 * (see tsup.config.ts).
 */
export function buildProgram(io: ProgramIo, argv?: readonly string[], { json = false } = {}): Command {
  const program = new Command("oomi")
    .description("Managed Oomi personas on this OpenClaw machine, and the Oomi channel bridge.")
    .option("-V, --version", "print the version")
    .addHelpText("after", SEED_ORDER)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      // Under --json commander's own stderr (help after a usage error) stays quiet; runCli reports the error once.
      writeErr: json ? () => {} : io.stderr,
      getOutHelpWidth: () => io.stdoutColumns ?? 80,
      getErrHelpWidth: () => io.stderrColumns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      outputError: () => {},
    });

  const run = (json: boolean | undefined, handler: Handler) => async () => {
    // Long steps say what they are doing on stderr, also under --json (stdout keeps the one document).
    const progress = (line: string) => io.stderr(`${line}\n`);
    const timeout = Number(io.env.OOMI_HEALTH_TIMEOUT_MS);
    const ctx: CommandContext = { env: io.env, cwd: io.cwd, progress, ...(timeout > 0 ? { healthTimeoutMs: timeout } : {}) };
    try {
      io.setExitCode(renderResult(await handler(ctx), Boolean(json), io));
    } catch (error) {
      io.setExitCode(renderFailure(error, Boolean(json), io));
    }
  };

  const backend = (command: Command) =>
    command
      .option(
        "--backend-url <url>",
        "Oomi backend (default: OOMI_DEV_BACKEND_URL, OOMI_BACKEND_URL, NEXT_PUBLIC_BACKEND_URL, paired brokerHttp)",
      )
      .option("--device-id <id>", "device id (default: the paired device)")
      .addOption(new Option("--device-token <token>", "device token (default: the paired device; prefer OOMI_DEVICE_TOKEN)"))
      .option("--json", "print exactly one JSON document on stdout");
  const workspaceRoot = (command: Command) =>
    command.option("--workspace-root <dir>", "persona workspaces (default: OPENCLAW_PERSONAS_DIR or ~/.openclaw/workspace/personas)");
  const runtimeInput = (command: Command) =>
    command
      .option("--local-port <port>", "local port of the runtime (preferred: the LAN endpoint is derived)")
      .option("--endpoint <url>", "explicit LAN or relay URL (127.0.0.1 refused unless --local-only)")
      .option("--local-only", "the persona is intentionally local-only: allow a loopback endpoint")
      .option("--health-path <path>", "health path (default from oomi.runtime.json, /webspatial/avp prefix for WebSpatial)")
      .option("--healthcheck-url <url>", "explicit healthcheck URL")
      .option("--transport <kind>", "local or relay (default: local)");

  // Only the group being run gets its subcommands (and their options) built; the rest are listed
  // by name and description, which is all the top-level help needs. Keeps start-up short.
  // `oomi help <group>` prints the whole group's help.
  const [group, subcommand] = argv?.[0] === "help" ? [argv[1], undefined] : [argv?.[0], argv?.[1]];
  const personas = program.command("personas").description("Scaffold, create, launch and manage personas");
  const jobs = program.command("persona-jobs").description("Report or execute structured persona jobs from Oomi");
  const openclaw = program.command("openclaw").description("Pairing, invites, refresh and the Oomi bridge");
  if (!argv || group === "personas") definePersonaCommands();
  if (!argv || group === "persona-jobs") defineJobCommands();
  if (!argv || group === "openclaw") defineOpenclawCommands();
  return program;

  function definePersonaCommands() {
    // Only the subcommand being run is built (all of them for help or an unknown name).
    const subcommands = new Map<string, () => void>();
    subcommands.set("scaffold", () => {
      personas
        .command("scaffold <slug>")
        .description("Create an Oomi-managed persona app scaffold (XR-first, Vite + React + WebSpatial) for agent customization.")
        .option("--name <name>", "display name (required)")
        .option("--description <text>", "what the persona is for (required)")
        .option("--out <dir>", "where to write (default: <workspace root>/<slug>)")
        .option("--force", "write into a non-empty --out")
        .option("--template-version <v>", "template version", "v1")
        .option("--json", "print exactly one JSON document on stdout")
        .action((slug: string, o) => run(o.json, async (ctx) => (await io.loadCommand("scaffold")).runScaffold(slug, o, ctx))());
    });

    subcommands.set("create", () => {
      backend(
        personas
          .command("create <id>")
          .description("Create a persona manifest for local or repo work (personas/<id>/). For managed Oomi personas use create-managed.")
          .option("--name <name>", "display name")
          .option("--description <text>", "summary")
          .option("--force", "overwrite an existing manifest")
          .option("--no-sync", "do not POST the manifest to the backend"),
      ).action((id: string, o) => run(o.json, async (ctx) => (await io.loadCommand("create")).runCreateLocal(id, o, ctx))());
    });

    subcommands.set("create-managed", () => {
      backend(
        personas
          .command("create-managed [slug]")
          .description(
            "Create the managed persona record in Oomi. Run this before manual launch-managed, runtime-register, or heartbeat flows.",
          )
          .option("--name <name>", "display name (required)")
          .option("--description <text>", "description (default: the name)")
          .option("--slug <slug>", "slug (default: the positional, else derived from --name)")
          .option("--template-version <v>", "template version", "v1"),
      ).action((slug: string | undefined, o) =>
        run(o.json, async (ctx) => (await io.loadCommand("create-managed")).runCreateManaged(slug, o, ctx))(),
      );
    });

    subcommands.set("launch-managed", () => {
      backend(
        workspaceRoot(
          personas
            .command("launch-managed [slug]")
            .description(
              "Launch or reuse a managed persona runtime on this OpenClaw machine and register a client-reachable runtime URL. Prefer scaffold + create-managed first.",
            )
            .option("--name <name>", "name; only used to create a missing persona (prefer create-managed)")
            .option("--description <text>", "description for an implicit create")
            .option("--slug <slug>", "slug")
            .option("--force-install", "run npm install even when node_modules exists")
            .option("--entry-url <url>", "register this relay URL instead of the LAN endpoint")
            .option("--transport <kind>", "local or relay (default: local, relay when --entry-url is used)")
            .option("--no-create", "never create a missing backend persona")
            .option("--no-register", "launch locally without registering")
            .option("--restart", "restart even when a healthy runtime is running"),
        ),
      ).action((slug: string | undefined, o) =>
        run(o.json, async (ctx) => (await io.loadCommand("launch-managed")).runLaunchManaged(slug, o, ctx))(),
      );
    });

    subcommands.set("status", () => {
      workspaceRoot(personas.command("status <slug>").description("Show local managed persona runtime state for a persona slug."))
        .option("--json", "print exactly one JSON document on stdout")
        .action((slug: string, o) => run(o.json, async (ctx) => runStatus(slug, o, ctx))());
    });

    for (const [name, description, fn] of [
      ["stop", "Stop a managed persona runtime (its whole process group) on this OpenClaw machine.", "runStop"],
      ["delete", "Stop a managed persona runtime and remove its workspace from this OpenClaw machine.", "runDelete"],
    ] as const) {
      subcommands.set(name, () => {
        workspaceRoot(personas.command(`${name} <slug>`).description(description))
          .option("--json", "print exactly one JSON document on stdout")
          .action((slug: string, o) => run(o.json, async (ctx) => (await io.loadCommand("local-runtime"))[fn](slug, o, ctx))());
      });
    }

    subcommands.set("runtime-register", () => {
      backend(
        runtimeInput(
          workspaceRoot(
            personas
              .command("runtime-register <slug>")
              .description(
                "Register a running persona runtime with the Oomi backend. Recovery-only after create-managed. Prefer --local-port so the CLI can derive a reachable endpoint.",
              )
              .option("--started-at <iso>", "start time (default: now)"),
          ),
        ),
      ).action((slug: string, o) =>
        run(o.json, async (ctx) => (await io.loadCommand("runtime-report")).runRuntimeRegister(slug, o, ctx))(),
      );
    });

    subcommands.set("heartbeat", () => {
      backend(
        runtimeInput(
          workspaceRoot(
            personas
              .command("heartbeat <slug>")
              .description(
                "Send a persona runtime heartbeat to the Oomi backend. Recovery-only after launch-managed wrote .oomi/runtime.json.",
              )
              .option("--observed-at <iso>", "observation time (default: now)"),
          ),
        ),
      ).action((slug: string, o) => run(o.json, async (ctx) => (await io.loadCommand("runtime-report")).runHeartbeat(slug, o, ctx))());
    });

    subcommands.set("runtime-fail", () => {
      backend(
        personas
          .command("runtime-fail <slug>")
          .description("Report persona runtime failure to the Oomi backend.")
          .option("--code <code>", "failure code (required)")
          .option("--message <text>", "failure message (required)"),
      ).action((slug: string, o) => run(o.json, async (ctx) => (await io.loadCommand("runtime-report")).runRuntimeFail(slug, o, ctx))());
    });

    const chosen = subcommands.get(subcommand ?? "");
    for (const define of chosen ? [chosen] : subcommands.values()) define();
  }

  function defineJobCommands() {
    backend(jobs.command("start <jobId>").description("Mark a persona job started.").option("--started-at <iso>", "start time")).action(
      (id: string, o) => run(o.json, async (ctx) => (await io.loadCommand("persona-jobs")).runJobStart(id, o, ctx))(),
    );
    backend(
      runtimeInput(
        jobs
          .command("succeed <jobId>")
          .description("Mark a persona job succeeded.")
          .option("--workspace-path <dir>", "the persona workspace (required)")
          .option("--completed-at <iso>", "completion time"),
      ),
    ).action((id: string, o) => run(o.json, async (ctx) => (await io.loadCommand("persona-jobs")).runJobSucceed(id, o, ctx))());
    backend(
      jobs
        .command("fail <jobId>")
        .description("Mark a persona job failed.")
        .option("--code <code>", "failure code (required)")
        .option("--message <text>", "failure message (required)")
        .option("--completed-at <iso>", "completion time"),
    ).action((id: string, o) => run(o.json, async (ctx) => (await io.loadCommand("persona-jobs")).runJobFail(id, o, ctx))());
    backend(
      workspaceRoot(
        jobs
          .command("execute")
          .description("Execute a persona_job message: start, launch, register, succeed (or fail).")
          .option("--message-file <path>", "the message as a JSON file")
          .option("--message-json <json>", "the message as JSON text")
          .option("--no-install", "never run npm install")
          .option("--no-start", "scaffold only (legacy)")
          .option("--no-register", "do not register the runtime")
          .option("--log-file <path>", "accepted for compatibility; the runtime log is .oomi/runtime.log"),
      ),
    ).action((o) => run(o.json, async (ctx) => (await io.loadCommand("persona-jobs")).runJobExecute(o, ctx))());
  }

  function defineOpenclawCommands() {
    const pairOptions = (command: Command) =>
      backend(
        command
          .option("--app-url <url>", "Oomi app (default: OOMI_APP_URL, which `pnpm start` prints, else http://127.0.0.1:3456)")
          .option("--session-key <key>", "session key")
          .option("--label <label>", "device label"),
      );
    workspaceRoot(
      pairOptions(
        openclaw
          .command("pair")
          .description("Pair this machine with Oomi, store the device token (0600) and start the background bridge.")
          .option("--no-start", "pair only; do not start the bridge")
          .option("--detach", "accepted for compatibility: the bridge pair starts always runs in the background"),
      ),
    ).action((o) => run(o.json, async (ctx) => (await io.loadCommand("openclaw")).runPair(o, ctx, io.cliPath))());
    pairOptions(openclaw.command("invite").description("Create an invite link for the paired device.")).action((o) =>
      run(o.json, async (ctx) => (await io.loadCommand("openclaw")).runInvite(o, ctx))(),
    );
    backend(
      workspaceRoot(
        openclaw
          .command("refresh")
          .description("Check npm for a newer oomi, then relaunch and re-register every running persona.")
          .option("--include-stopped", "also stopped personas")
          .option("--skip-version-check", "do not ask npm for the latest version (also OOMI_SKIP_UPDATE_CHECK=1)"),
      ),
    ).action((o) =>
      run(o.json, async (ctx) =>
        (await io.loadCommand("openclaw")).runRefresh({ ...o, versionCheck: !o.skipVersionCheck }, ctx, io.cliPath),
      )(),
    );
    backend(openclaw.command("status").description("Pairing and bridge status (the token is never shown).")).action((o) =>
      run(o.json, async (ctx) => (await io.loadCommand("openclaw")).runOpenclawStatus(o, ctx))(),
    );

    const bridge = openclaw.command("bridge").description("The standalone Oomi bridge (persona jobs + supervision)");
    const bridgeOptions = (command: Command) =>
      backend(workspaceRoot(command.option("--poll-interval-ms <ms>", "poll interval (default 2000)")));
    bridgeOptions(bridge.command("start").description("Start the bridge as a background process.")).action((o) =>
      run(o.json, async (ctx) => (await io.loadCommand("standalone")).startBridgeProcess(o, ctx, io.cliPath))(),
    );
    bridge
      .command("stop")
      .description("Stop the background bridge.")
      .option("--json", "print exactly one JSON document on stdout")
      .action((o) => run(o.json, async (ctx) => (await io.loadCommand("standalone")).stopBridgeProcess(ctx))());
    backend(bridge.command("status").description("Bridge process and pairing status.")).action((o) =>
      run(o.json, async (ctx) => (await io.loadCommand("openclaw")).runOpenclawStatus(o, ctx))(),
    );
    bridgeOptions(bridge.command("run").description("Run the bridge in the foreground.")).action((o) =>
      run(o.json, async (ctx) => (await io.loadCommand("standalone")).runBridgeForeground(o, ctx))(),
    );
    bridge
      .command("service [action]")
      .description("The bridge as a systemd user unit (Linux): install, start, stop, restart, status (default) or uninstall.")
      .option("--no-start", "install without starting")
      .option("--json", "print exactly one JSON document on stdout")
      .action((action: string | undefined, o) =>
        run(o.json, async (ctx) => {
          const { bridgeService, systemctlUser } = await io.loadCommand("standalone");
          return bridgeService({
            action: action ?? "status",
            env: ctx.env,
            cliPath: io.cliPath,
            nodePath: process.execPath,
            platform: process.platform,
            runner: systemctlUser,
            start: o.start !== false,
          });
        })(),
      );
  }
}

/**
 * Parses and runs; commander usage errors become exit 2 (as a JSON envelope under --json).
 * `complete` builds the whole command tree instead of the part argv runs.
 */
export async function runCli(argv: string[], io: ProgramIo, { complete = false } = {}): Promise<void> {
  const json = argv.includes("--json");
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    io.stdout(`${packageVersion(io.cliPath)}\n`);
    io.setExitCode(0);
    return;
  }
  const program = buildProgram(io, complete ? undefined : argv, { json });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) {
        io.setExitCode(0);
        return;
      }
      const message = error.message.replace(/^error: /, "");
      if (json) io.stdout(`${JSON.stringify({ ok: false, error: { code: "USAGE", message } })}\n`);
      if (!error.code.startsWith("commander.help")) io.stderr(`oomi: ${message}\n(see oomi --help)\n`);
      io.setExitCode(2);
      return;
    }
    throw error;
  }
}
