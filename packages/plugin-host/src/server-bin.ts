/** What a server's bin needs from its process; injected so the start-up rules are tested without one. */
export interface ServerBinProcess {
  stderr: { write(text: string): unknown };
  once(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  exit(code: number): void;
}

/**
 * Starts the server of a command-line bin (`kichi-world`, `clawbridge-demo-model`): a port in use is one
 * line with the way out and exit code 1, any other start failure one line naming the bin. Once it runs,
 * SIGINT and SIGTERM close it and exit 0. Resolves with the running server, or the exit code to end with.
 */
export async function startServerBin<S extends { close(): Promise<void> }>(
  name: string,
  port: number,
  start: () => Promise<S>,
  proc: ServerBinProcess = process,
): Promise<S | number> {
  let running: S;
  try {
    running = await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    proc.stderr.write(
      code === "EADDRINUSE" ? `port ${port} is in use; pass --port 0 for a free one\n` : `${name}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const stop = () => {
    running.close().finally(() => proc.exit(0));
  };
  proc.once("SIGINT", stop);
  proc.once("SIGTERM", stop);
  return running;
}
