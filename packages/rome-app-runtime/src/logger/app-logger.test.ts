import { RomeAppLogLineSchema, type RomeLogLevel } from "@clawbridge/contracts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAppLogger } from "./app-logger.js";

const at = new Date("2026-11-29T12:00:00.000Z");

function captured(level?: RomeLogLevel) {
  const lines: { level: RomeLogLevel; line: string }[] = [];
  const logger = createAppLogger("notes", {
    ...(level ? { level } : {}),
    now: () => at,
    write: (lvl, line) => lines.push({ level: lvl, line }),
  });
  return { logger, lines, parsed: () => lines.map(({ line }) => RomeAppLogLineSchema.parse(JSON.parse(line))) };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("createAppLogger", () => {
  it("writes one JSON line per call in the contract's shape, data only when given", () => {
    const { logger, parsed } = captured("debug");
    logger.debug("starting");
    logger.info("synced", { count: 3 });
    logger.warn("slow", { ms: 900 });
    logger.error("failed", { reason: "timeout" });
    expect(parsed()).toEqual([
      { timestamp: at.toISOString(), level: "debug", component: "notes", message: "starting" },
      { timestamp: at.toISOString(), level: "info", component: "notes", message: "synced", data: { count: 3 } },
      { timestamp: at.toISOString(), level: "warn", component: "notes", message: "slow", data: { ms: 900 } },
      { timestamp: at.toISOString(), level: "error", component: "notes", message: "failed", data: { reason: "timeout" } },
    ]);
  });

  it("drops lines below its level, which comes from LOG_LEVEL unless given (info when unset or unknown)", () => {
    const { logger, lines } = captured("warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(lines.map((line) => line.level)).toEqual(["warn"]);

    for (const [env, expected] of [
      ["ERROR", ["error"]],
      [undefined, ["info", "warn", "error"]],
      ["loud", ["info", "warn", "error"]],
    ] as const) {
      if (env === undefined) vi.stubEnv("LOG_LEVEL", undefined);
      else vi.stubEnv("LOG_LEVEL", env);
      const written: string[] = [];
      const logger = createAppLogger("env", { write: (level) => written.push(level) });
      logger.debug("d");
      logger.info("i");
      logger.warn("w");
      logger.error("e");
      expect(written).toEqual(expected);
    }
  });

  it("never throws on data that cannot be written: it says why instead", () => {
    const { logger, parsed } = captured();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    logger.info("cycle", cyclic);
    logger.info("bigint", { total: 10n });
    expect(parsed().map((line) => line.data)).toEqual([
      { unloggable: "data.self is a cycle back to an enclosing value" },
      { unloggable: "data.total is a BigInt" },
    ]);
  });

  it("goes to stdout for debug and info, stderr for warn and error, by default", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const logger = createAppLogger("console", { level: "debug" });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(log.mock.calls.map(([line]) => JSON.parse(line).message)).toEqual(["d", "i"]);
    expect(warn.mock.calls.map(([line]) => JSON.parse(line).message)).toEqual(["w"]);
    expect(error.mock.calls.map(([line]) => JSON.parse(line).message)).toEqual(["e"]);
  });
});
