import { PROTOTYPE_KEYS, pick, type Random } from "./random.js";

/**
 * Raw HTTP/1.1 requests with their request line, target, headers and framing mutated, drawn from a
 * seeded generator. Most stay parseable, so the server's routing and handlers are reached with the
 * mutation; the rest test node's parser and the server guard in front of it.
 */

export interface MalformedRequestOptions {
  /** Paths the server routes; each request starts from one, whole or mutated. */
  paths: readonly string[];
  /** Methods the server answers; unknown and broken ones are added. Default GET and POST. */
  methods?: readonly string[];
  /** Bodies for a request whose method carries one; default `{}`. */
  bodies?: readonly string[];
  /** Header lines every request carries before any mutation (an `authorization`, a `content-type`). */
  headers?: readonly string[];
}

const BROKEN_METHODS = ["get", "P0ST", "G\u0000T", "GET GET", "", "X".repeat(300), "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"];
/** Inserted into a path: broken and encoded escapes, traversal, separators, prototype keys, length. */
const TARGET_PIECES = [
  "[",
  "]",
  "%",
  "%zz",
  "%ff",
  "%E0%A4%A",
  "%00",
  "%2e%2e/",
  "%2E%2E%2F",
  "%252e%252e%252f",
  "../",
  "..%2f",
  "%5c..%5c",
  "//",
  "?",
  "?x=%zz",
  "?q=[]&r=|",
  "#",
  "@",
  ":",
  "\\",
  "é",
  "💥",
  "\u0000",
  " ",
  "\t",
  "*",
  ...PROTOTYPE_KEYS.map((key) => `/${key}`),
  "a:99999/",
  "x".repeat(2_000),
];
/** Whole targets no route expects: other request-target forms and the URLs that broke `new URL`. */
const ODD_TARGETS = ["*", "//[", "//a:99999/", "http://evil.example/", "127.0.0.1:80", "", `/${"a".repeat(20_000)}`];
const VERSIONS = ["HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/9.9", "http/1.1", "HTTP/1.1 extra", "HTTP/1.1\u0000", ""];
const BAD_HEADER_LINES = ["bad header: 1", "no-colon-here", "x-nul: a\u0000b", ": empty-name", "x\u0080y: 1", "x-fold: a\r\n folded"];
const CONTENT_LENGTHS = ["-1", "abc", "1e3", "0x10", " ", "1, 2", "99999999999999999999"];

/** `count` raw requests, each drawn in turn from `random` (the same seed gives the same requests). */
export function malformedRequests(random: Random, count: number, options: MalformedRequestOptions): string[] {
  return Array.from({ length: count }, () => malformedRequest(random, options));
}

function malformedRequest(random: Random, options: MalformedRequestOptions): string {
  const methods = options.methods ?? ["GET", "POST"];
  const method = random() < 0.75 ? pick(random, methods) : pick(random, BROKEN_METHODS);
  const roll = random();
  const path = pick(random, options.paths);
  const target = roll < 0.4 ? path : roll < 0.93 ? mutatePath(random, path) : pick(random, ODD_TARGETS);
  const version = random() < 0.85 ? "HTTP/1.1" : pick(random, VERSIONS);
  const carriesBody = method !== "GET" && method !== "HEAD" ? random() < 0.95 : random() < 0.05;
  const body = carriesBody ? pick(random, options.bodies ?? ["{}"]) : "";
  const headers = ["host: 127.0.0.1", ...(options.headers ?? []), `content-length: ${Buffer.byteLength(body)}`, "connection: close"];
  const framed = mutateHeaders(random, headers, body);
  const eol = random() < 0.05 ? "\n" : "\r\n";
  return `${method} ${target} ${version}${eol}${framed.headers.join(eol)}${eol}${eol}${framed.body}`;
}

/** `path` with one to three pieces inserted at random places. */
function mutatePath(random: Random, path: string): string {
  let target = path;
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i += 1) {
    const at = Math.floor(random() * (target.length + 1));
    target = target.slice(0, at) + pick(random, TARGET_PIECES) + target.slice(at);
  }
  return target;
}

/** At most one mutation of the headers or the framing of the body; most requests keep them whole. */
function mutateHeaders(random: Random, headers: string[], body: string): { headers: string[]; body: string } {
  const length = Buffer.byteLength(body);
  const lengthAt = headers.findIndex((line) => line.startsWith("content-length:"));
  const r = random();
  if (r < 0.04) headers.splice(0, 1);
  else if (r < 0.08) headers.push(`content-length: ${length + 1}`);
  else if (r < 0.11) headers[lengthAt] = `content-length: ${length + 1}`;
  else if (r < 0.15) headers[lengthAt] = `content-length: ${pick(random, CONTENT_LENGTHS)}`;
  else if (r < 0.18) {
    headers.splice(lengthAt, 1, "transfer-encoding: chunked");
    const chunks = pick(random, [`${length.toString(16)}\r\n${body}\r\n0\r\n\r\n`, `zz\r\n${body}\r\n0\r\n\r\n`, `${body}\r\n`]);
    return { headers, body: chunks };
  } else if (r < 0.2) headers.push(`transfer-encoding: ${pick(random, ["chunked, gzip", "xchunked", "identity", "gzip, chunked"])}`);
  else if (r < 0.24) headers.push(pick(random, BAD_HEADER_LINES));
  else if (r < 0.28) headers.push(`${pick(random, PROTOTYPE_KEYS)}: ${pick(random, PROTOTYPE_KEYS)}`);
  else if (r < 0.3) headers.push(`cookie: ${PROTOTYPE_KEYS.map((key, i) => `${key}=${i}`).join("; ")}`);
  else if (r < 0.32) headers.push(`x-big: ${"h".repeat(20_000)}`);
  else if (r < 0.34) for (let i = 0; i < 150; i += 1) headers.push(`x-many-${i}: ${i}`);
  else if (r < 0.38)
    headers.push(
      `authorization: ${pick(random, ["Bearer", "Bearer ", "bearer x y", `Bearer ${"t".repeat(5_000)}`, "Basic Og==", "Bearer \u007f\u0001"])}`,
    );
  else if (r < 0.41) headers.push(`expect: ${pick(random, ["100-continue", "teapot"])}`);
  else if (r < 0.43) headers.push("upgrade: websocket", "connection: upgrade");
  else if (r < 0.45)
    headers.push(`content-type: ${pick(random, ["", "text/plain", "application/json; charset=\u00ff", "multipart/form-data"])}`);
  return { headers, body };
}
