/** What the last-resort policy needs from the process; injected so it can be tested without dying. */
export interface FatalErrorPolicyOptions {
  /** Secrets to scrub from the logged line (the host token, the Oomi device token); read when it fires. */
  secrets: () => readonly string[];
  write: (line: string) => void;
  exit: (code: number) => void;
  target?: Pick<NodeJS.Process, "on">;
}

/**
 * The host's policy for an error nothing handled (a throw from a timer or socket callback, a promise
 * nobody awaited): log it once and exit 1. It never carries on: after an unexpected throw the process
 * may hold half-applied state (a run without its end, a change between memory and disk), while every
 * store here is written to survive a crash at any point, so a prompt exit and a restart are the safe
 * outcome. Node's default also prints and exits, but a listener any plugin adds switches that default
 * off; this listener keeps the exit whatever else listens, and scrubs the host's secrets from the line.
 * Requests cannot reach here: every server handler is guarded and answers its own failure with a 500.
 */
export function installFatalErrorPolicy(options: FatalErrorPolicyOptions): void {
  let fired = false;
  const fatal = (kind: string) => (error: unknown) => {
    if (fired) return;
    fired = true;
    let text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    for (const secret of options.secrets()) if (secret) text = text.split(secret).join("[redacted]");
    options.write(`clawbridge-host: fatal ${kind}, exiting: ${text}\n`);
    options.exit(1);
  };
  const target = options.target ?? process;
  target.on("uncaughtException", fatal("uncaught exception"));
  target.on("unhandledRejection", fatal("unhandled rejection"));
}
