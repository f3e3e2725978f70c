import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BANNER_END, gatewayBanner, nextCommands, shellWord } from "./banner.js";

const oomi = {
  backendUrl: "http://127.0.0.1:18761",
  deviceId: "vm-local",
  devicePath: "/work/it's here/oomi-device.json",
  personasDir: "/work/.state/host/personas",
};

describe("shellWord", () => {
  it("leaves plain words alone and quotes the rest so bash reads back the same value", () => {
    expect(shellWord("http://127.0.0.1:18789/tools/invoke")).toBe("http://127.0.0.1:18789/tools/invoke");
    for (const value of ["Authorization: Bearer abc", "it's", '$HOME `x` "q"', ""]) {
      expect(execFileSync("bash", ["-c", `printf %s ${shellWord(value)}`], { encoding: "utf8" })).toBe(value);
    }
  });
});

describe("nextCommands", () => {
  it("reads the device token from its 0600 file when pasted, never carrying it; openclaw only for a gateway", () => {
    const local = nextCommands({ url: "http://127.0.0.1:18789", token: "t".repeat(24), oomi });
    expect(local[0]).toBe(
      `curl -sS -H 'Authorization: Bearer ${"t".repeat(24)}' -H 'Content-Type: application/json' -d '{"tool":"clawbridge_status"}' http://127.0.0.1:18789/tools/invoke`,
    );
    expect(local.find((line) => line.startsWith("export "))).toContain(
      `OOMI_DEVICE_TOKEN="$(node -p 'require("/work/it'\\''s here/oomi-device.json").deviceToken')"`,
    );
    expect(local.find((line) => line.startsWith("export "))).toContain("OOMI_APP_URL=http://127.0.0.1:18761 ");
    expect(local.some((line) => line.includes("pnpm openclaw"))).toBe(false);
    const gateway = nextCommands({ url: "http://127.0.0.1:18789", token: "t".repeat(24), oomi, gatewayHome: "/work/.state/host/openclaw" });
    expect(gateway.at(-1)).toBe("OPENCLAW_HOME=/work/.state/host/openclaw pnpm openclaw plugins list");
  });
});

describe("gatewayBanner", () => {
  const input = {
    gatewayUrl: "http://127.0.0.1:18789",
    token: "t".repeat(24),
    openclawVersion: "2026.9.6",
    stateDir: "/s",
    gatewayHome: "/s/openclaw",
    logFile: "/s/openclaw/gateway.log",
    plugins: [
      { id: "clawbridge", installed: false },
      { id: "oomi", installed: true },
    ],
    model: { ref: "clawbridge-demo/clawbridge-demo", url: "http://127.0.0.1:18763/v1", note: "a demo model, not an AI; default port" },
    kichiWorld: { url: "http://127.0.0.1:18760", note: "local Kichi World" },
    oomiBackend: { url: "http://127.0.0.1:18761", note: "local Oomi backend" },
    openmeow: { error: "OpenMeow web is not built" },
    next: ["echo next"],
  };

  it("says which plugins were installed on this start, and ends with the line starters wait for", () => {
    const text = gatewayBanner(input);
    expect(text.split("\n")[0]).toBe("clawbridge in a real OpenClaw gateway (openclaw 2026.9.6) listening on http://127.0.0.1:18789");
    expect(text).toContain("plugins:  clawbridge, oomi (from their packed artifacts; installed now: oomi)");
    expect(text).toContain("openmeow: not started: OpenMeow web is not built");
    expect(text).toContain("\n  echo next\n");
    expect(text.trimEnd().split("\n").at(-1)).toBe(BANNER_END);
    expect(gatewayBanner({ ...input, plugins: [{ id: "oomi", installed: false }] })).toContain("all unchanged since the last start");
  });
});
