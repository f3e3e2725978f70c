import { describe, expect, it } from "vitest";
import { parseHostArgs } from "./options.js";

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseHostArgs(argv, env, "/work");

describe("parseHostArgs", () => {
  it("takes the flags, and a leading -- as pnpm passes it (pnpm start -- --port 0)", () => {
    for (const argv of [
      ["--port", "0"],
      ["--", "--port", "0"],
    ]) {
      const parsed = parse(argv);
      expect(parsed.ok && parsed.options.port).toBe(0);
    }
    const parsed = parse(["--state-dir", "s", "--token", "t".repeat(16)]);
    expect(parsed).toMatchObject({ ok: true, options: { port: 18789, bind: "127.0.0.1", stateDir: "/work/s" } });
  });

  it("names the flag in every refusal", () => {
    expect(parse(["--port", "-1"])).toMatchObject({ ok: false, message: expect.stringContaining("'--port'") });
    for (const port of ["abc", "65536", "1.5", ""]) {
      expect(parse(["--port", port])).toEqual({
        ok: false,
        help: false,
        message: "--port: a whole number from 0 to 65535 (0 picks a free port)",
      });
    }
    expect(parse([], { CLAWBRIDGE_HOST_PORT: "x" })).toMatchObject({ ok: false, message: expect.stringContaining("--port:") });
    expect(parse(["--bind", "0.0.0.0"])).toMatchObject({ ok: false, message: "--bind: only loopback addresses are served" });
    expect(parse(["--token", "short"])).toMatchObject({ ok: false, message: "--token: at least 16 characters" });
    expect(parse(["--nope"])).toMatchObject({ ok: false, help: false, message: expect.stringContaining("--nope") });
  });

  it("--local picks LocalHost; the gateway is the default", () => {
    expect(parse([])).toMatchObject({ ok: true, options: { local: false } });
    expect(parse(["--local"])).toMatchObject({ ok: true, options: { local: true } });
    expect(parse(["--", "--local"])).toMatchObject({ ok: true, options: { local: true } });
  });

  it("reads each server's pinned port from its variable and names the variable in a refusal", () => {
    expect(parse([], { OOMI_BACKEND_PORT: "0", CLAWBRIDGE_DEMO_MODEL_PORT: "48871", OPENMEOW_WEB_PORT: "" })).toMatchObject({
      ok: true,
      options: { serverPorts: { oomiBackend: 0, demoModel: 48871 } },
    });
    const none = parse([]);
    expect(none.ok && none.options.serverPorts).toEqual({});
    expect(parse([], { CLAWBRIDGE_KICHI_WORLD_PORT: "70000" })).toMatchObject({
      ok: false,
      message: "CLAWBRIDGE_KICHI_WORLD_PORT: a whole number from 0 to 65535 (0 picks a free port)",
    });
  });

  it("--public-route is LocalHost's: refused for the gateway", () => {
    expect(parse(["--public-route", "/clawhip/event"])).toMatchObject({
      ok: false,
      help: false,
      message: expect.stringMatching(/^--public-route: LocalHost only/),
    });
    expect(parse(["--local", "--public-route", "/clawhip/event"])).toMatchObject({
      ok: true,
      options: { publicRoutes: ["/clawhip/event"] },
    });
  });
});
