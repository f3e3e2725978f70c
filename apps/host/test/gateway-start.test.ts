import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { descendantsOf, processGone } from "@clawbridge/e2e-harness/openclaw-gateway";
import {
  createOpenMeowSDKClient,
  NodeWebSocket,
  type OpenClawEvent,
  type OpenMeowSDKClient,
  type WebSocketConstructor,
} from "@clawbridge/openmeow-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BANNER_END } from "../src/banner.js";

/**
 * Item 4: `pnpm start` runs the real OpenClaw gateway. The built start entry is spawned as a terminal
 * would run it (a process group of its own, so Ctrl-C is a SIGINT to the group), its banner is read
 * like a person reads it, and every command it prints is pasted into bash as printed.
 */

const execFileAsync = promisify(execFile);
const hostDir = resolve(import.meta.dirname, "..");
const repoRoot = resolve(hostDir, "../..");
const main = join(hostDir, "dist", "main.js");
const TURN_TIMEOUT_MS = 60_000;

/** The environment a person's shell has: none of the test runner's variables, no pinned server ports. */
const shellEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^(VITEST|TINYPOOL|__VITEST)/.test(key) &&
      !["NODE_ENV", "CLAWBRIDGE_KICHI_WORLD_PORT", "OOMI_BACKEND_PORT", "OPENMEOW_WEB_PORT", "CLAWBRIDGE_DEMO_MODEL_PORT"].includes(key),
  ),
);

interface Started {
  child: ChildProcess;
  banner: string;
  output: () => string;
  exited: Promise<number | null>;
  seconds: number;
}

/** Spawns `command` in a process group of its own and resolves once the banner's last line is out. */
function startClawbridge(command: string, args: string[], cwd: string): Promise<Started> {
  const begun = performance.now();
  const child = spawn(command, args, { cwd, env: shellEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let all = "";
  const exited = new Promise<number | null>((r) => child.once("exit", (code, signal) => r(code ?? (signal ? -1 : null))));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 300 s:\n${all.slice(-4000)}`)), 300_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      all += chunk.toString();
      const end = out.indexOf(BANNER_END);
      if (end >= 0) {
        clearTimeout(timer);
        resolvePromise({
          child,
          banner: out.slice(0, end + BANNER_END.length),
          output: () => all,
          exited,
          seconds: (performance.now() - begun) / 1000,
        });
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      all += chunk.toString();
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before its banner:\n${all.slice(-4000)}`));
    });
  });
}

/** What the banner says, read the way a person reads it. */
function readBanner(banner: string) {
  const match = (pattern: RegExp) => {
    const found = pattern.exec(banner)?.[1];
    if (!found) throw new Error(`no ${pattern} in the banner:\n${banner}`);
    return found;
  };
  const lines = banner.split("\n");
  const nextAt = lines.findIndex((line) => line.startsWith("next"));
  return {
    url: match(/listening on (http:\/\/\S+)/),
    token: match(/token:\s+(\S+)/),
    openmeow: match(/openmeow: (http:\/\/\S+)/),
    ports: {
      kichi: Number(match(/kichi:\s+http:\/\/127\.0\.0\.1:(\d+)/)),
      oomi: Number(match(/oomi:\s+http:\/\/127\.0\.0\.1:(\d+)/)),
      openmeow: Number(match(/openmeow: http:\/\/127\.0\.0\.1:(\d+)/)),
      model: Number(match(/model:\s+\S+ at http:\/\/127\.0\.0\.1:(\d+)\/v1/)),
    },
    next: lines.slice(nextAt + 1, -1).map((line) => line.trim()),
  };
}

/** Runs lines pasted into bash in the repository folder, as the banner says. */
async function paste(...lines: string[]): Promise<string> {
  const script = lines.join("\n");
  const { stdout } = await execFileAsync("bash", ["-euo", "pipefail", "-c", script], {
    cwd: repoRoot,
    env: shellEnv,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error) => {
    throw new Error(`pasted commands failed:\n${script}\n--- stdout\n${error.stdout}\n--- stderr\n${error.stderr}`);
  });
  return stdout;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const probe = createServer();
    probe.once("error", () => resolvePromise(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolvePromise(true)));
  });
}

/** A terminal's Ctrl-C: SIGINT to the whole foreground process group. */
async function ctrlC(run: Started): Promise<{ code: number | null; tree: number[] }> {
  const pid = run.child.pid as number;
  const tree = descendantsOf(pid);
  process.kill(-pid, "SIGINT");
  return { code: await run.exited, tree };
}

/** A last resort for a failed test: whatever is left of a run, and the gateway below it. */
async function kill(run: Started | undefined): Promise<void> {
  const pid = run?.child.pid;
  if (!run || pid === undefined || run.child.exitCode !== null || run.child.signalCode !== null) return;
  const tree = descendantsOf(pid);
  process.kill(-pid, "SIGTERM");
  await Promise.race([run.exited, new Promise((r) => setTimeout(r, 20_000))]);
  for (const target of [-pid, ...tree]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

let stateDir: string;
let first: Started | undefined;
let restart: Started | undefined;
let banner: ReturnType<typeof readBanner>;
let client: OpenMeowSDKClient | undefined;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "clawbridge-start-"));
  const port = await new Promise<number>((r) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => r(free));
    });
  });
  first = await startClawbridge(process.execPath, [main, "--port", String(port), "--state-dir", stateDir], repoRoot);
  banner = readBanner(first.banner);
}, 400_000);

afterAll(async () => {
  await client?.close();
  await kill(first);
  await kill(restart);
  await rm(stateDir, { recursive: true, force: true });
}, 120_000);

describe("pnpm start: the real OpenClaw gateway with every bridge plugin", () => {
  it("prints the gateway, its token, each server and where each port came from", () => {
    expect(first?.banner).toMatch(/^clawbridge in a real OpenClaw gateway \(openclaw 2026\.9\.6\) listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(first?.banner).toContain(
      "plugins:  clawbridge, kichi-forwarder, rome-example, clawhip, oomi (from their packed artifacts; installed now: clawbridge, kichi-forwarder, rome-example, clawhip, oomi)",
    );
    expect(banner.token.length).toBeGreaterThanOrEqual(16);
    expect(first?.banner).toMatch(/model:\s+clawbridge-demo\/clawbridge-demo at http:\/\/127\.0\.0\.1:\d+\/v1 \(a demo model, not an AI; /);
    // The gateway's home is in the state folder, never the user's ~/.openclaw.
    expect(existsSync(join(stateDir, "openclaw", ".openclaw", "openclaw.json"))).toBe(true);
    for (const id of ["clawbridge", "kichi-forwarder", "rome-example", "clawhip", "oomi"]) {
      expect(existsSync(join(stateDir, "openclaw", ".openclaw", "extensions", id, "package.json")), id).toBe(true);
    }
  });

  it("the pasted curl lines: clawbridge_status answers through the gateway, clawhip takes an event with the gateway token", async () => {
    const [status, event] = banner.next;
    expect(status).toMatch(/^curl .*\/tools\/invoke$/);
    const reply = JSON.parse(await paste(status as string));
    expect(reply).toMatchObject({ ok: true, result: { details: { success: true, plugin: "clawbridge", agentId: "main" } } });
    expect(event).toMatch(/^curl .*\/clawhip\/event$/);
    expect(JSON.parse(await paste(event as string))).toMatchObject({ ok: true, type: "custom" });
    // Without the token both are refused: the gateway authenticates them.
    for (const path of ["/tools/invoke", "/clawhip/event"]) {
      expect((await fetch(`${banner.url}${path}`, { method: "POST", body: "{}" })).status, path).toBe(401);
    }
  });

  it("the pasted oomi lines reach the local Oomi backend with the device's token", async () => {
    const exportLine = banner.next.find((line) => line.startsWith("export OOMI_BACKEND_URL="));
    const invite = banner.next.find((line) => line.includes("oomi openclaw invite"));
    const create = banner.next.find((line) => line.includes("oomi personas create-managed"));
    expect(exportLine).not.toContain(JSON.parse(readFileSync(join(stateDir, "oomi-device.json"), "utf8")).deviceToken);
    const [invited, created] = (await paste(exportLine as string, invite as string, create as string)).trim().split("\n");
    expect(JSON.parse(invited as string)).toMatchObject({
      ok: true,
      inviteUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/invite\//),
    });
    expect(JSON.parse(created as string)).toMatchObject({ ok: true, persona: { slug: "hello-oomi" }, personaJob: { status: "queued" } });
  });

  it("Oomi chat posted to the local backend (packages/oomi/README.md's curl) gets the agent's reply through the oomi channel", async () => {
    const exportLine = banner.next.find((line) => line.startsWith("export OOMI_BACKEND_URL="));
    // The README's command, as written there.
    const post = `curl -sS -H "Authorization: Bearer $OOMI_DEVICE_TOKEN" -H 'Content-Type: application/json' \\
  -d '{"conversationKey":"hello","userId":"me","content":"hello agent"}' "$OOMI_BACKEND_URL/v1/channel/user/messages"`;
    const { messageId } = JSON.parse(await paste(exportLine as string, post)) as { messageId: string };
    const deviceToken = JSON.parse(readFileSync(join(stateDir, "oomi-device.json"), "utf8")).deviceToken as string;
    const backendUrl = `http://127.0.0.1:${banner.ports.oomi}`;
    const deadline = Date.now() + TURN_TIMEOUT_MS;
    let reply: { content: string } | undefined;
    while (!reply && Date.now() < deadline) {
      const outbox = (await (
        await fetch(`${backendUrl}/v1/channel/plugin/messages`, { headers: { authorization: `Bearer ${deviceToken}` } })
      ).json()) as {
        messages: Array<{ correlationId?: string; content: string }>;
      };
      reply = outbox.messages.find((m) => m.correlationId === messageId);
      if (!reply) await new Promise((r) => setTimeout(r, 250));
    }
    expect(reply?.content).toContain("hello agent");
    expect(await (await fetch(`${backendUrl}/`)).text()).toContain(`reply to ${messageId}`);
  });

  it("the pasted `pnpm openclaw plugins list` line sees every plugin enabled in the gateway's home", async () => {
    const list = banner.next.find((line) => line.includes("pnpm openclaw plugins list"));
    const listed = await paste(list as string);
    for (const id of ["clawbridge", "kichi-forwarder", "rome-example", "clawhip", "oomi"]) {
      expect(
        listed.split("\n").some((line) => line.includes(id) && line.includes("enabled")),
        `${id} enabled:\n${listed}`,
      ).toBe(true);
    }
  });

  it("an agent turn over the gateway's WebSocket streams the demo model's reply, and the model's tool call comes back", async () => {
    client = createOpenMeowSDKClient({ gateway: banner.url.replace("http://", "ws://"), token: banner.token });
    await client.connect();
    const agents = (await client.listAgents()) as { defaultId: string };
    const { sessionKey } = await client.createLaneSession({ agentId: agents.defaultId, label: "pnpm start e2e" });
    const turn = async (message: string) => {
      const { runId } = await (client as OpenMeowSDKClient).send(sessionKey, message);
      const events: OpenClawEvent[] = [];
      const collect = (async () => {
        for await (const event of (client as OpenMeowSDKClient).events(runId)) events.push(event);
      })();
      await Promise.race([
        collect,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`run ${runId} did not end`)), TURN_TIMEOUT_MS)),
      ]);
      const end = events.at(-1);
      expect(end?.type).toBe("run.completed");
      return { events, reply: String(((end?.data ?? {}) as { terminalReply?: { text?: unknown } }).terminalReply?.text ?? "") };
    };

    const hello = await turn("hello from pnpm start");
    expect(hello.reply).toBe('This is the clawbridge demo model, not an AI. You said: "hello from pnpm start"');
    expect(hello.events.filter((event) => event.type === "assistant.delta").length).toBeGreaterThanOrEqual(3);

    const tool = await turn('call tool clawbridge_status with {"echo":"start"}');
    expect(tool.reply).toMatch(/^The tool clawbridge_status returned: /);
    expect(JSON.parse(tool.reply.slice("The tool clawbridge_status returned: ".length))).toMatchObject({
      success: true,
      plugin: "clawbridge",
      echo: "start",
    });
  });

  it("the printed OpenMeow link serves the UI, and the gateway gives a socket from the page's origin its scopes once it signs as a device", async () => {
    const link = new URL(banner.openmeow);
    const wsUrl = banner.url.replace("http://", "ws://");
    const fragment = new URLSearchParams(link.hash.slice(1));
    expect(fragment.get("gateway")).toBe(wsUrl);
    expect(fragment.get("token")).toBe(banner.token);
    const page = await fetch(new URL("/", link));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="app.js"></script>');
    expect((await fetch(new URL("/app.js", link))).status).toBe(200);

    // What the page does: the handshake with its Origin, signed with a device key as a web chat client
    // (as the SDK's browser entry does), then a scoped call; without the device the call is refused.
    const WebSocketWithOptions = NodeWebSocket as unknown as new (url: string, options: { origin: string }) => object;
    class FromPage extends WebSocketWithOptions {
      constructor(url: string) {
        super(url, { origin: link.origin });
      }
    }
    const fromPage = { gateway: wsUrl, token: banner.token, WebSocket: FromPage as unknown as WebSocketConstructor };
    const browserLike = createOpenMeowSDKClient({ ...fromPage, clientId: "webchat-ui", clientMode: "webchat" });
    const unsigned = createOpenMeowSDKClient({ ...fromPage, device: undefined });
    try {
      await browserLike.connect();
      expect(await browserLike.listAgents()).toMatchObject({ agents: expect.any(Array) });
      await unsigned.connect();
      await expect(unsigned.listAgents()).rejects.toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.read" });
    } finally {
      await browserLike.close();
      await unsigned.close();
    }
  });

  it("Ctrl-C (SIGINT to the process group) exits 0 quietly, ends the gateway's process tree and frees every port", async () => {
    await client?.close();
    client = undefined;
    const run = first as Started;
    const { code, tree } = await ctrlC(run);
    expect(code, run.output().slice(-3000)).toBe(0);
    expect(tree.length).toBeGreaterThan(0);
    expect(
      tree.filter((pid) => !processGone(pid)),
      "processes of the gateway left running",
    ).toEqual([]);
    expect(run.output()).not.toMatch(/\n\s+at |ELIFECYCLE/);
    for (const [name, port] of Object.entries({ gateway: Number(new URL(banner.url).port), ...banner.ports })) {
      expect(await canListen(port), `${name} port ${port} free`).toBe(true);
    }
  }, 60_000);

  it("a restart through pnpm start installs nothing, keeps every port and token, and Ctrl-C leaves no ELIFECYCLE", async () => {
    const port = new URL(banner.url).port;
    // apps/host's own start script (the root one builds first): pnpm, its shell, and the start entry.
    restart = await startClawbridge("pnpm", ["start", "--port", port, "--state-dir", stateDir], hostDir);
    const again = readBanner(restart.banner);
    expect(restart.banner).toContain("(from their packed artifacts; all unchanged since the last start)");
    expect(again.url).toBe(banner.url);
    expect(again.token).toBe(banner.token);
    expect(again.ports).toEqual(banner.ports);
    expect(restart.banner.match(/same port as last run/g)?.length).toBe(4);
    expect(restart.seconds).toBeLessThan((first as Started).seconds);

    const { code } = await ctrlC(restart);
    expect(code, restart.output().slice(-3000)).toBe(0);
    expect(restart.output()).not.toContain("ELIFECYCLE");
    for (const [name, free] of Object.entries({ gateway: Number(port), ...again.ports })) {
      expect(await canListen(free), `${name} port ${free} free`).toBe(true);
    }
  }, 300_000);
});
