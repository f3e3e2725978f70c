import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prototypeNames } from "./process-probes.js";
import { startServerProcess } from "./server-process.js";

let dir: string;
let module: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "server-process-"));
  module = join(dir, "greeter.mjs");
  await writeFile(
    module,
    `import { createServer } from "node:http";
     export async function startGreeter({ greeting, log }) {
       if (greeting === "fail") throw new Error("no greeting");
       const server = createServer((req, res) => { log("GET " + req.url); res.end(greeting); });
       await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
       return { url: "http://127.0.0.1:" + server.address().port };
     }`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("startServerProcess", () => {
  it("runs a built server's start function in a child process with JSON options and its log on stderr", async () => {
    const server = await startServerProcess({ module, start: "startGreeter", options: { greeting: "hello" } });
    try {
      expect(server.child.pid).not.toBe(process.pid);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(await (await fetch(`${server.url}/x`)).text()).toBe("hello");
      expect(server.stderr()).toContain("GET /x");
      expect(await server.prototypeNames()).toEqual(prototypeNames());
    } finally {
      server.child.kill("SIGKILL");
    }
    expect(await server.exited).toBe("SIGKILL");
  });

  it("says why a server did not start", async () => {
    await expect(startServerProcess({ module, start: "startGreeter", options: { greeting: "fail" } })).rejects.toThrow(
      /startGreeter exited with 1 before listening: .*no greeting/s,
    );
    expect(() => startServerProcess({ module, start: "x; process.exit()" })).toThrow("not a function name");
  });
});
