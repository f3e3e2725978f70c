import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OomiBridgeServiceResultSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { bridgeService, readServiceUnit, type SystemctlRunner, serviceUnitPath } from "./service.js";

const TOKEN = "service-test-device-token-0123456789";

/** A systemd stand-in for the user manager: records each call and keeps the unit's state, so no test touches the real one. */
function recordingSystemctl() {
  const calls: string[][] = [];
  let active = false;
  const runner: SystemctlRunner = async (args) => {
    calls.push(args);
    if (args[0] === "start" || args[0] === "restart") active = true;
    if (args[0] === "stop" || (args[0] === "disable" && args.includes("--now"))) active = false;
    if (args[0] === "show") {
      return {
        exitCode: 0,
        stdout: `LoadState=loaded\nActiveState=${active ? "active" : "inactive"}\nSubState=${active ? "running" : "dead"}\nMainPID=${active ? 4242 : 0}\nExecMainStatus=0\n`,
        stderr: "",
      };
    }
    return { exitCode: 0, stdout: "", stderr: "" };
  };
  return { runner, calls };
}

async function pairedHome() {
  const home = await mkdtemp(join(tmpdir(), "oomi-service-"));
  await mkdir(join(home, ".openclaw"), { recursive: true });
  const state = {
    brokerHttp: "http://127.0.0.1:9",
    deviceId: "svc-box",
    deviceToken: TOKEN,
    sessionKey: "agent:main:webchat:channel:oomi",
  };
  await writeFile(join(home, ".openclaw", "oomi-bridge.json"), JSON.stringify(state), { mode: 0o600 });
  return home;
}

const base = (home: string, runner: SystemctlRunner) => ({
  env: { HOME: home, PATH: "/usr/bin", OPENCLAW_PERSONAS_DIR: join(home, "my personas"), OOMI_DEVICE_TOKEN: TOKEN },
  cliPath: "/opt/oomi/bin/oomi.cjs",
  nodePath: "/usr/bin/node",
  platform: "linux" as const,
  runner,
});

describe("oomi openclaw bridge service (systemd user unit)", () => {
  it("install writes a unit that runs `bridge run` without the token, enables and starts it; status, stop, uninstall follow", async () => {
    const home = await pairedHome();
    const { runner, calls } = recordingSystemctl();
    const installed = OomiBridgeServiceResultSchema.parse(await bridgeService({ ...base(home, runner), action: "install" }));
    expect(installed).toMatchObject({
      ok: true,
      installed: true,
      started: true,
      running: true,
      pid: 4242,
      unitPath: serviceUnitPath({ HOME: home }),
    });
    expect(calls.slice(0, 3)).toEqual([["daemon-reload"], ["enable", "oomi-bridge.service"], ["start", "oomi-bridge.service"]]);
    const unit = readServiceUnit({ HOME: home }) ?? "";
    expect(unit).toContain('ExecStart="/usr/bin/node" "/opt/oomi/bin/oomi.cjs" "openclaw" "bridge" "run"');
    expect(unit).toContain(`Environment="OPENCLAW_PERSONAS_DIR=${join(home, "my personas")}"`);
    expect(unit).toContain("WantedBy=default.target");
    expect(unit).not.toContain(TOKEN);

    expect(await bridgeService({ ...base(home, runner), action: "stop" })).toMatchObject({ running: false, pid: null, started: false });
    expect(await bridgeService({ ...base(home, runner), action: "status" })).toMatchObject({
      installed: true,
      loaded: true,
      running: false,
    });
    expect(await bridgeService({ ...base(home, runner), action: "start" })).toMatchObject({ running: true, started: true });
    const removed = await bridgeService({ ...base(home, runner), action: "uninstall" });
    expect(removed).toMatchObject({ installed: false, running: false });
    expect(calls).toContainEqual(["disable", "--now", "oomi-bridge.service"]);
    expect(readServiceUnit({ HOME: home })).toBeNull();
  });

  it("refuses without pairing, off Linux, before install, and for an unknown action; install --no-start starts nothing", async () => {
    const { runner, calls } = recordingSystemctl();
    const unpaired = await mkdtemp(join(tmpdir(), "oomi-service-"));
    await expect(bridgeService({ ...base(unpaired, runner), action: "install" })).rejects.toMatchObject({ code: "NOT_PAIRED" });
    await expect(bridgeService({ ...base(unpaired, runner), action: "start" })).rejects.toMatchObject({ code: "SERVICE_NOT_INSTALLED" });
    await expect(bridgeService({ ...base(unpaired, runner), action: "status", platform: "darwin" })).rejects.toMatchObject({
      code: "SERVICE_UNSUPPORTED",
    });
    await expect(bridgeService({ ...base(unpaired, runner), action: "reboot" })).rejects.toMatchObject({ exitCode: 2 });
    expect(calls).toEqual([]);
    const home = await pairedHome();
    expect(await bridgeService({ ...base(home, runner), action: "install", start: false })).toMatchObject({
      installed: true,
      started: false,
    });
    expect(calls.some((args) => args[0] === "start")).toBe(false);
  });

  it("reports systemctl's own message when a step fails", async () => {
    const home = await pairedHome();
    const failing: SystemctlRunner = async (args) =>
      args[0] === "enable"
        ? { exitCode: 1, stdout: "", stderr: "Failed to connect to bus: No medium found" }
        : { exitCode: 0, stdout: "", stderr: "" };
    await expect(bridgeService({ ...base(home, failing), action: "install" })).rejects.toMatchObject({
      code: "SYSTEMCTL_FAILED",
      message: expect.stringContaining("Failed to connect to bus"),
    });
  });
});
