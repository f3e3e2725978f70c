import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CliError } from "./cli-error.js";

/** How the CLI talks to the daemon: a fetch whose GETs carry no body. */
export type CliFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** Everything a command touches outside itself, injected so commands run in tests without a shell. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  fetch: CliFetch;
  /** The command that runs this CLI again (`node …/clawhip.js`): `hooks install` writes it into the bridge. */
  clawhipCommand: readonly string[];
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); used by `serve`. */
  untilStopped: () => Promise<void>;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    env: process.env,
    cwd: process.cwd(),
    fetch: fetch as unknown as CliFetch,
    clawhipCommand: [process.execPath, realpathSync(process.argv[1] as string)],
    untilStopped: () =>
      new Promise((resolvePromise) => {
        process.once("SIGINT", () => resolvePromise());
        process.once("SIGTERM", () => resolvePromise());
      }),
  };
}

/** Reads `FILE`, or stdin for `-` / no argument. */
export async function readInput(io: CliIo, file: string | undefined): Promise<string> {
  if (file === undefined || file === "-") return io.readStdin();
  try {
    return await readFile(resolve(io.cwd, file), "utf8");
  } catch (error) {
    throw new CliError("input_unreadable", `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function parseJsonInput(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError("invalid_json", `${what} is not valid JSON: ${(error as Error).message}`);
  }
}
