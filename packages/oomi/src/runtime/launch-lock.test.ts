import { existsSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installLightFixture, startTestBackend } from "../../test/support.js";
import { launchManagedRuntime, npmErrorLines, npmInstall } from "./launch.js";
import { launchLockPath, withLaunchLock } from "./launch-lock.js";
import { stopManagedRuntime } from "./stop.js";

let root: string;
let home: string;
let stopBackend: () => Promise<void>;
const env = () => ({ PATH: process.env.PATH ?? "", HOME: home, OOMI_PERSONA_BIND_HOST: "127.0.0.1" });

beforeAll(async () => {
  const started = await startTestBackend();
  root = started.root;
  home = started.home;
  stopBackend = started.backend.stop;
});
afterAll(() => stopBackend());

/** A promise and the function that settles it: a gate a test opens when it has seen what it waits for. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("the per-persona launch lock", () => {
  it("two launches of one persona (launch-managed and the bridge) never install at once: the second waits, then reuses the first's runtime", async () => {
    const slug = "locked-one";
    await installLightFixture(root, slug, { defaultPort: 45500 });
    let installing = 0;
    let overlapped = false;
    const firstInstalling = gate();
    const release = gate();
    const secondWaiting = gate();
    const install = async () => {
      installing += 1;
      if (installing > 1) overlapped = true;
      firstInstalling.open();
      await release.opened;
      installing -= 1;
    };
    const common = { slug, name: "Locked", description: "d", workspaceRoot: root, env: env(), install, forceInstall: true };
    const first = launchManagedRuntime(common);
    await firstInstalling.opened;
    const second = launchManagedRuntime({
      ...common,
      forceInstall: false,
      progress: (line) => {
        if (line.startsWith("waiting for another launch")) secondWaiting.open();
      },
    });
    await secondWaiting.opened;
    expect(installing).toBe(1);
    release.open();
    const [a, b] = await Promise.all([first, second]);
    try {
      expect(overlapped).toBe(false);
      expect(a).toMatchObject({ installed: true, reusedRunningProcess: false });
      expect(b).toMatchObject({ installed: false, reusedRunningProcess: true });
      expect(b.state.pid).toBe(a.state.pid);
      // A loopback-bound runtime with no public host is registered on loopback.
      expect(a.state.entryUrl).toBe(`http://127.0.0.1:${a.state.localPort}`);
      expect(existsSync(launchLockPath(root, slug))).toBe(false);
    } finally {
      await stopManagedRuntime(slug, root);
    }
  });

  it("takes over a lock whose holder is gone, and gives up on a live one after its bound", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oomi-lock-"));
    const path = join(dir, ".p.launch.lock");
    await writeFile(path, "999999\n");
    expect(await withLaunchLock(path, async () => "ran", { isAlive: () => false })).toBe("ran");
    expect(existsSync(path)).toBe(false);
    await writeFile(path, `${process.pid}\n`);
    await expect(withLaunchLock(path, async () => "never", { timeoutMs: 300 })).rejects.toMatchObject({ code: "LAUNCH_BUSY" });
    expect(existsSync(path)).toBe(true);
  });
});

describe("npm install failures", () => {
  it("report npm's own error lines", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oomi-npm-"));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "package.json"), JSON.stringify({ name: "x", version: "1.0.0", dependencies: { gone: "file:./gone.tgz" } }));
    const failure = await npmInstall(dir, { PATH: process.env.PATH ?? "", HOME: home }, () => {}).catch((error) => error);
    expect(failure).toMatchObject({ code: "NPM_INSTALL_FAILED" });
    expect(failure.message).toMatch(/npm error code ENOENT/);
    expect(failure.message).toContain("gone.tgz");
  });

  it("keeps the npm error lines from noisy output, and the tail when there are none", () => {
    expect(npmErrorLines("added 3\nnpm warn x\nnpm error code E404\nnpm error 404 Not Found - GET nope\n")).toBe(
      "npm error code E404\nnpm error 404 Not Found - GET nope",
    );
    expect(npmErrorLines("Killed\n")).toBe("Killed");
  });
});
