import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { type ClawhipDeliveryJob, type ClawhipJournalLine, ClawhipJournalLineSchema } from "@clawbridge/contracts";

// Byte-level work on spool journal segments: reading lines back a chunk at a time, and writing them.

/** A journal line, or undefined when it is not JSON or not a valid line. */
export function parseJournalLine(line: string): ClawhipJournalLine | undefined {
  try {
    const parsed = ClawhipJournalLineSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Appends `data` and answers its size in bytes: a string is handed to write(2) as is (no Buffer for the common full write). */
export function writeAll(fd: number, data: string | Buffer): number {
  const written = typeof data === "string" ? writeSync(fd, data) : writeSync(fd, data, 0, data.length);
  const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.length;
  if (written === bytes) return bytes;
  // A short write (a full disk, a signal): the rest goes out from a byte view.
  const rest = typeof data === "string" ? Buffer.from(data) : data;
  let offset = written;
  while (offset < bytes) offset += writeSync(fd, rest, offset, bytes - offset);
  return bytes;
}

/**
 * Calls `visit` with each complete line of `fd` between `from` (where a line starts) and `end`, and the
 * offset it starts at, until `visit` answers false; returns the offset of the first line not visited
 * (`end`, or where an unterminated last line starts).
 */
export function scanLines(fd: number, from: number, end: number, visit: (text: string, offset: number) => boolean): number {
  let offset = from;
  let size = 64 * 1024;
  while (offset < end) {
    const buffer = Buffer.allocUnsafe(Math.min(size, end - offset));
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    let start = 0;
    for (let newline = buffer.indexOf(10, 0); newline !== -1 && newline < read; newline = buffer.indexOf(10, start)) {
      if (!visit(buffer.toString("utf8", start, newline), offset + start)) return offset + start;
      start = newline + 1;
    }
    if (start === 0) {
      // No newline in what is left: an unterminated last line. Otherwise a line longer than the buffer.
      if (read === end - offset) return offset;
      size *= 2;
    }
    offset += start;
  }
  return offset;
}

/**
 * The job of a job line, or undefined for any other line (done, dead, unreadable). Every job line starts
 * `{"t":"job"` (serializeJournalLine and JSON.stringify alike), so the others are passed over unparsed.
 */
export function parseJobLine(text: string): ClawhipDeliveryJob | undefined {
  if (!text.startsWith('{"t":"job"')) return undefined;
  const parsed = parseJournalLine(text);
  return parsed?.t === "job" ? parsed.job : undefined;
}

/** The job line starting at `offset` of `fd` (whose lines end by `end`), or undefined. */
export function readJobAt(fd: number, offset: number, end: number): ClawhipDeliveryJob | undefined {
  let job: ClawhipDeliveryJob | undefined;
  scanLines(fd, offset, end, (text) => {
    job = parseJobLine(text);
    return false;
  });
  return job;
}

/** Appends the whole of the file at `path` to `fd`, a megabyte at a time. */
export function copyFile(path: string, fd: number): void {
  const source = openSync(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (let read = readSync(source, buffer); read > 0; read = readSync(source, buffer)) writeAll(fd, buffer.subarray(0, read));
  } finally {
    closeSync(source);
  }
}

/** Writes lines to a file descriptor in chunks of about a megabyte. */
export class ChunkWriter {
  #lines: string[] = [];
  #size = 0;

  constructor(readonly fd: number) {}

  write(text: string): void {
    this.#lines.push(text);
    this.#size += text.length + 1;
    if (this.#size >= 1024 * 1024) this.end();
  }

  end(): void {
    if (this.#lines.length === 0) return;
    writeAll(this.fd, `${this.#lines.join("\n")}\n`);
    this.#lines = [];
    this.#size = 0;
  }
}

/** The byte offsets of `lines[at[i]]` in a batch written from `offset` (lines joined by newlines). */
export function lineOffsets(lines: readonly string[], at: readonly number[], offset: number): number[] {
  const offsets: number[] = [];
  let bytes = offset;
  let line = 0;
  for (const index of at) {
    for (; line < index; line += 1) bytes += Buffer.byteLength(lines[line] as string) + 1;
    offsets.push(bytes);
  }
  return offsets;
}
