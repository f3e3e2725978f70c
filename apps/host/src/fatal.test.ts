import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { installFatalErrorPolicy } from "./fatal.js";

function install(secrets: string[] = []) {
  const target = new EventEmitter();
  const write = vi.fn();
  const exit = vi.fn();
  installFatalErrorPolicy({ secrets: () => secrets, write, exit, target: target as never });
  return { target, write, exit };
}

describe("item 1: the host's last-resort error policy", () => {
  it("logs an uncaught exception once, without the host's secrets, and exits 1 instead of carrying on", () => {
    const { target, write, exit } = install(["host-token-0123456789"]);
    target.emit("uncaughtException", new Error("socket callback failed with host-token-0123456789"));
    target.emit("uncaughtException", new Error("a second failure while exiting"));
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0]?.[0]).toMatch(
      /^clawbridge-host: fatal uncaught exception, exiting: Error: socket callback failed with \[redacted\]/,
    );
    expect(write.mock.calls[0]?.[0]).not.toContain("host-token-0123456789");
  });

  it("treats an unhandled rejection (of anything) the same way", () => {
    const { target, write, exit } = install();
    target.emit("unhandledRejection", "plain reason", Promise.resolve());
    expect(write).toHaveBeenCalledWith("clawbridge-host: fatal unhandled rejection, exiting: plain reason\n");
    expect(exit).toHaveBeenCalledWith(1);
  });
});
