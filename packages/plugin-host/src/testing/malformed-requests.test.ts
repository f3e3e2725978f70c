import { describe, expect, it } from "vitest";
import { malformedRequests } from "./malformed-requests.js";
import { PROTOTYPE_KEYS, seededRandom } from "./random.js";

const OPTIONS = { paths: ["/v1/items", "/health"], methods: ["GET", "POST"], bodies: ['{"a":1}'], headers: ["authorization: Bearer t"] };

describe("malformedRequests", () => {
  it("draws the same requests from the same seed and other ones from another", () => {
    const first = malformedRequests(seededRandom(7), 200, OPTIONS);
    expect(first).toHaveLength(200);
    expect(malformedRequests(seededRandom(7), 200, OPTIONS)).toEqual(first);
    expect(malformedRequests(seededRandom(8), 200, OPTIONS)).not.toEqual(first);
  });

  it("mutates request lines, targets, headers and framing, and leaves most requests routable", () => {
    const requests = malformedRequests(seededRandom(20261201), 2_000, OPTIONS);
    const lines = requests.map((request) => request.slice(0, request.search(/\r?\n/)));
    const routable = lines.filter((line) => /^(GET|POST) \/(v1\/items|health) HTTP\/1\.1$/.test(line));
    expect(routable.length).toBeGreaterThan(400);
    expect(routable.length).toBeLessThan(1_600);
    const seen = (pattern: RegExp) => requests.filter((request) => pattern.test(request)).length;
    // Broken escapes, traversal and encoded slashes in targets; prototype keys as path segments and header names.
    for (const pattern of [/^\S* \S*%zz/, /^\S* \S*(\.\.\/|%2e%2e\/)/i, /^\S* \S*%2F/, /^\S* \/\/\[ /, /^\S* \S*\/__proto__/]) {
      expect(seen(pattern), String(pattern)).toBeGreaterThan(5);
    }
    for (const key of PROTOTYPE_KEYS) expect(seen(new RegExp(`\\r\\n${key}: `)), key).toBeGreaterThan(0);
    // Broken methods and versions, missing Host, lying or broken framing, oversized and bad headers.
    for (const pattern of [/^P0ST /, / HTTP\/2\.0\r\n/, /content-length: -1/, /transfer-encoding: chunked/, /x-big: h{20000}/]) {
      expect(seen(pattern), String(pattern)).toBeGreaterThan(0);
    }
    expect(requests.filter((request) => request.startsWith("G\u0000T ")).length).toBeGreaterThan(0);
    expect(requests.filter((request) => !request.includes("host: 127.0.0.1")).length).toBeGreaterThan(10);
    expect(requests.every((request) => request.includes("authorization: Bearer t"))).toBe(true);
    // A request whose method carries a body carries one of the bodies given.
    expect(seen(/\{"a":1\}$/)).toBeGreaterThan(500);
  });
});
