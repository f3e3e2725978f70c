import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ClawhipUpdateCheckSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { VERSION } from "../version.js";
import { runCli } from "./program.js";

let server: Server;
let registry: string;
let latest: string | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const known = req.url === "/-/package/@clawbridge%2fclawhip/dist-tags" && latest !== undefined;
    res.writeHead(known ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(known ? { latest } : { error: "Not found" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

async function check(json = false) {
  const io = recordingIo();
  const code = await runCli(["update", "check", "--registry", registry, ...(json ? ["--json"] : [])], io);
  return { code, out: io.out.join(""), err: io.err.join("") };
}

describe("clawhip update check (upstream's wording)", () => {
  it.each([
    ["99.0.0", `Update available: v${VERSION} -> 99.0.0\nhttps://www.npmjs.com/package/@clawbridge/clawhip/v/99.0.0\n`],
    [VERSION, `Already up to date (v${VERSION})\n`],
    [undefined, "No releases found\n"],
  ])("latest %s", async (version, text) => {
    latest = version;
    expect(await check()).toEqual({ code: 0, out: text, err: "" });
    const json = JSON.parse((await check(true)).out);
    expect(json.ok).toBe(true);
    const { ok: _ok, ...result } = json;
    expect(ClawhipUpdateCheckSchema.parse(result).update_available).toBe(version === "99.0.0");
  });

  it("a registry that cannot be reached is a runtime failure (exit 1)", async () => {
    const io = recordingIo();
    const code = await runCli(["update", "check", "--registry", "http://127.0.0.1:1", "--json"], io);
    expect(code).toBe(1);
    expect(JSON.parse(io.out.join("")).error.code).toBe("update_check_failed");
  });
});
