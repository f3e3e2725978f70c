import { createServer } from "node:net";
import { Cleanups } from "./cleanups.js";
import { installFatalErrorPolicy } from "./fatal.js";
import { runGateway } from "./gateway.js";
import { runLocalHost } from "./local-host.js";
import { parseHostArgs } from "./options.js";
import { portRefusal } from "./ports.js";
import type { RunContext } from "./run-context.js";
import { hostToken } from "./token.js";

const report = (line: string) => process.stderr.write(`clawbridge-host: ${line}\n`);

/** The secrets this process holds, scrubbed from a fatal error's log line. */
const secrets: string[] = [];
installFatalErrorPolicy({
  secrets: () => secrets,
  write: (line) => process.stderr.write(line),
  exit: (code) => process.exit(code),
});

const cleanups = new Cleanups(report);
let stopping = false;

/** Undoes everything set up so far (the gateway's process tree, every server) and exits with `code`. */
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  cleanups.runAll().finally(() => process.exit(code));
}

// A terminal's Ctrl-C reaches this process (and pnpm, which passes it on once more); the gateway sits
// in a process group of its own and is stopped here, in order. Exit 0: an asked-for stop is no failure,
// and pnpm prints ELIFECYCLE for anything else.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (!stopping) report(`${signal}: stopping…`);
    stop(0);
  });
}

function freePort(host: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePromise(port));
    });
  });
}

async function main(): Promise<number> {
  const parsed = parseHostArgs(process.argv.slice(2), process.env, process.cwd());
  if (!parsed.ok) {
    (parsed.help ? process.stdout : process.stderr).write(`${parsed.message}\n`);
    return parsed.help ? 0 : 2;
  }
  const { options } = parsed;
  // Before anything heavy starts (servers, plugin installs, the gateway): a taken port is said at once.
  const host = options.local ? options.bind : "127.0.0.1";
  const refusal = options.port === 0 ? undefined : await portRefusal(options.port, host);
  if (refusal) {
    report(
      refusal === "EADDRINUSE"
        ? `port ${options.port} is in use; pass --port 0 for a free one or stop what listens there`
        : `cannot listen on ${host}:${options.port} (${refusal})`,
    );
    return 1;
  }
  const port = options.port === 0 && !options.local ? await freePort(host) : options.port;
  const token = await hostToken(options.stateDir, options.token);
  secrets.push(token);
  const context: RunContext = {
    cleanups,
    report,
    secrets,
    fail: (message) => {
      report(message);
      stop(1);
    },
  };
  const banner = options.local ? await runLocalHost(options, token, context) : await runGateway({ ...options, port }, token, context);
  if (stopping) return -1;
  process.stdout.write(banner);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error) => {
    // A stop asked for while starting cuts the start short; its own exit follows.
    if (stopping) return;
    report(`could not start: ${(error as Error).message}`);
    stop(1);
  },
);
