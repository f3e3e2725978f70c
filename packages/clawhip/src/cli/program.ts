import { type ClawhipConfig, ClawhipFormatSchema, CliExitCode } from "@clawbridge/contracts";
import { Command, CommanderError, Option } from "commander";
import { redactedTargetValue } from "../deliver/redact-target.js";
import { acceptIncoming, acceptIngress, type IngressSurface } from "../ingress/accept.js";
import { startDaemon } from "../ingress/daemon.js";
import { eventFromEmitArgs, eventWireBody } from "../normalize/emit-args.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { IngressError } from "../normalize/ingress-error.js";
import { priorityFor } from "../normalize/kinds.js";
import { renderEvent } from "../render/render-event.js";
import { VERSION } from "../version.js";
import { CliError } from "./cli-error.js";
import { type CliIo, parseJsonInput, readInput } from "./cli-io.js";
import { daemonToken, daemonUrl, discordToken, resolveConfig, stateDir } from "./cli-settings.js";
import { expectAccepted, postToDaemon } from "./daemon-client.js";

const SURFACES = ["event", "omx-hook", "native-hook"] as const;
const SURFACE_PATHS: Record<IngressSurface, string> = { event: "/event", "omx-hook": "/api/omx/hook", "native-hook": "/api/native/hook" };

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
    .description("run the ingress daemon (POST /event, /api/omx/hook, /api/native/hook; GET /health)")
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

  const hookCommand = (parent: Command, surface: IngressSurface, description: string) =>
    parent
      .command("hook")
      .description(description)
      .option("--payload <json>", "the hook body as JSON")
      .option("--file <file>", "read the hook body from a file")
      .option("--url <url>", "daemon URL")
      .option("--config <file>", "clawhip.toml")
      .addOption(jsonOption())
      .action(async (opts: { payload?: string; file?: string; url?: string; config?: string; json?: boolean }) => {
        if (opts.payload !== undefined && opts.file !== undefined) throw new CliError("usage", "give --payload or --file, not both");
        const { config } = await resolveConfig(io, opts.config);
        const text = opts.payload ?? (await readInput(io, opts.file));
        const body = parseJsonInput(text, opts.payload !== undefined ? "--payload" : (opts.file ?? "stdin"));
        const reply = expectAccepted(
          await postToDaemon(io, daemonUrl(io, opts.url, config), SURFACE_PATHS[surface], body, daemonToken(io, config)),
        );
        print(io, { json: !!opts.json }, reply.body as Record<string, unknown>, JSON.stringify(reply.body));
      });
  hookCommand(program.command("omx").description("OMX integration"), "omx-hook", "POST an OMX v1 hook envelope to /api/omx/hook");
  hookCommand(
    program.command("native").description("provider-native hooks"),
    "native-hook",
    "POST a provider-native hook to /api/native/hook",
  );

  program
    .command("normalize")
    .description("print the normalized canonical event of a body as JSON")
    .argument("[file]", "input file, or - for stdin")
    .addOption(ingressOption())
    .addOption(jsonOption())
    .action(async (file: string | undefined, opts: { ingress: IngressSurface; json?: boolean }) => {
      const outcome = await acceptFromInput(io, file, opts.ingress, (await resolveConfig(io, undefined)).config);
      const event = { ...outcome.event, priority: priorityFor(outcome.event.kind) };
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
