import { fstatSync, writeSync } from "node:fs";

/** One of the CLI's output descriptors, as commander and the renderers need it. */
export interface CliOutput {
  write: (text: string) => void;
  isTTY: boolean;
  /** Terminal width when a TTY (commander wraps help to it), else undefined. */
  columns: number | undefined;
}

export interface StdioEdges {
  fstat: (fd: number) => { isFIFO(): boolean; isFile(): boolean; isSocket(): boolean };
  write: (fd: number, buffer: Uint8Array, offset: number) => number;
}

const nodeEdges: StdioEdges = { fstat: fstatSync, write: (fd, buffer, offset) => writeSync(fd, buffer, offset) };

function isPlain(fd: number, edges: StdioEdges): boolean {
  try {
    const stat = edges.fstat(fd);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return false;
  }
}

/**
 * Output on `fd` (1 or 2). A pipe, a socket (what Node's child_process hands a child for "pipe")
 * or a file is written directly with write(2): creating `process.stdout` for a pipe or socket
 * loads Node's net and stream modules, a large share of a short command's start-up, and none of
 * these is a TTY. Should the descriptor be non-blocking and full, the rest of the text and every
 * later write go through the process stream, in order. A TTY or anything else uses the process
 * stream as before. `onClosed` runs when the reader has gone (EPIPE, e.g. `oomi --help | head`).
 */
export function openCliOutput(
  fd: number,
  stream: () => NodeJS.WriteStream,
  onClosed: () => void,
  edges: StdioEdges = nodeEdges,
): CliOutput {
  let opened: NodeJS.WriteStream | undefined;
  const viaStream = () => {
    if (!opened) {
      opened = stream();
      opened.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") onClosed();
        else throw error;
      });
    }
    return opened;
  };

  if (!isPlain(fd, edges)) {
    const tty = viaStream();
    return { write: (text) => void tty.write(text), isTTY: Boolean(tty.isTTY), columns: tty.isTTY ? tty.columns : undefined };
  }

  const write = (text: string) => {
    if (opened) {
      opened.write(text);
      return;
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += edges.write(fd, bytes, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          viaStream().write(bytes.subarray(offset));
          return;
        }
        if (code === "EPIPE") {
          onClosed();
          return;
        }
        throw error;
      }
    }
  };
  return { write, isTTY: false, columns: undefined };
}
