import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { openCliOutput, type StdioEdges } from "./stdio.js";

type Kind = "fifo" | "socket" | "file" | "tty";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** A descriptor of the given kind whose write(2) follows `script` (bytes accepted, or an errno). */
function fakeEdges(kind: Kind, script: (number | string)[] = []) {
  const written: Buffer[] = [];
  const edges: StdioEdges = {
    fstat: () => ({ isFIFO: () => kind === "fifo", isFile: () => kind === "file", isSocket: () => kind === "socket" }),
    write: (_fd, buffer, offset) => {
      const step = script.shift();
      if (typeof step === "string") throw errno(step);
      const end = step === undefined ? buffer.length : Math.min(buffer.length, offset + step);
      written.push(Buffer.from(buffer.subarray(offset, end)));
      return end - offset;
    },
  };
  return { edges, written: () => written.map(String), bytes: () => Buffer.concat(written).toString() };
}

function fakeStream(isTTY = false) {
  const chunks: string[] = [];
  const stream = Object.assign(new EventEmitter(), {
    isTTY,
    columns: 120,
    write: (chunk: string | Uint8Array) => {
      chunks.push(Buffer.from(chunk).toString());
      return true;
    },
  });
  let opened = 0;
  const open = () => {
    opened += 1;
    return stream as unknown as NodeJS.WriteStream;
  };
  return { stream, chunks, open, opened: () => opened };
}

describe("openCliOutput", () => {
  it("writes a pipe directly, without creating the process stream, and is no TTY", () => {
    const { edges, bytes } = fakeEdges("fifo");
    const stream = fakeStream();
    const out = openCliOutput(1, stream.open, () => {}, edges);
    out.write("hello ");
    out.write("wörld\n");
    expect(bytes()).toBe("hello wörld\n");
    expect(out.isTTY).toBe(false);
    expect(out.columns).toBeUndefined();
    expect(stream.opened()).toBe(0);
  });

  it("writes a socket (a child process's stdio pipe) directly too", () => {
    const { edges, bytes } = fakeEdges("socket");
    const stream = fakeStream();
    const out = openCliOutput(1, stream.open, () => {}, edges);
    out.write("{}\n");
    expect(bytes()).toBe("{}\n");
    expect(stream.opened()).toBe(0);
  });

  it("finishes partial writes byte by byte, multi-byte characters included", () => {
    const { edges, written, bytes } = fakeEdges("file", [2, 3, 1]);
    const out = openCliOutput(1, fakeStream().open, () => {}, edges);
    out.write("aéb€c");
    expect(written()).toHaveLength(4);
    expect(bytes()).toBe("aéb€c");
  });

  it("hands the rest and every later write to the process stream, in order, when the descriptor would block", () => {
    const { edges, written } = fakeEdges("fifo", [4, "EAGAIN"]);
    const stream = fakeStream();
    const out = openCliOutput(1, stream.open, () => {}, edges);
    out.write("first line\n");
    out.write("second\n");
    expect(written()).toEqual(["firs"]);
    expect(stream.chunks).toEqual(["t line\n", "second\n"]);
    expect(stream.opened()).toBe(1);
  });

  it("calls onClosed when the reader has gone, directly or through the stream", () => {
    let closed = 0;
    const onClosed = () => {
      closed += 1;
    };
    openCliOutput(1, fakeStream().open, onClosed, fakeEdges("fifo", ["EPIPE"]).edges).write("x");
    expect(closed).toBe(1);

    const tty = fakeStream(true);
    openCliOutput(1, tty.open, onClosed, fakeEdges("tty").edges);
    tty.stream.emit("error", errno("EPIPE"));
    expect(closed).toBe(2);
  });

  it("rethrows any other write failure", () => {
    const out = openCliOutput(1, fakeStream().open, () => {}, fakeEdges("fifo", ["EIO"]).edges);
    expect(() => out.write("x")).toThrow("EIO");
  });

  it("uses the process stream for a TTY, with its width", () => {
    const tty = fakeStream(true);
    const out = openCliOutput(2, tty.open, () => {}, fakeEdges("tty").edges);
    out.write("progress\n");
    expect(tty.chunks).toEqual(["progress\n"]);
    expect(out.isTTY).toBe(true);
    expect(out.columns).toBe(120);
  });

  it("uses the process stream when the descriptor cannot be examined", () => {
    const stream = fakeStream();
    const edges: StdioEdges = {
      fstat: () => {
        throw errno("EBADF");
      },
      write: () => {
        throw new Error("must not be called");
      },
    };
    const out = openCliOutput(1, stream.open, () => {}, edges);
    out.write("x");
    expect(stream.chunks).toEqual(["x"]);
    expect(out.isTTY).toBe(false);
  });
});
