import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import diagnostics from "@clawbridge/diagnostics";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StaticServer, startOpenMeowWebServer } from "../src/server/static-server.js";
import { launchChromium, REPORTS_DIR } from "./support/chromium.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

let host: LocalHost;
let web: StaticServer;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  host = new LocalHost({
    stateDir: await mkdtemp(join(tmpdir(), "om-web-host-")),
    logger: quiet,
    agents: ["main", "cody"],
    gatewayProtocol: { deltaIntervalMs: 40 },
  });
  await host.load(diagnostics);
  await host.start();
  web = await startOpenMeowWebServer();
  ({ context, profile } = await launchChromium("om-chromium-"));
});

afterAll(async () => {
  await context?.close();
  await web?.stop();
  await host?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

function appUrl(gateway: string, token: string, waitMs = 600): string {
  return `${web.url}/#${new URLSearchParams({ gateway, token, waitMs: String(waitMs) })}`;
}

async function send(lane: Locator, message: string): Promise<void> {
  await lane.getByTestId("composer-input").fill(message);
  await lane.getByTestId("composer-button").click();
}

describe("OpenMeow web in headless Chromium against the local host", () => {
  let page: Page;

  it("shows one lane per agent", async () => {
    page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(appUrl(`ws://127.0.0.1:${host.port}`, host.token));
    await expect.poll(() => page.getByTestId("lane").count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => page.getByTestId("connection").textContent()).toContain("connected to ws://127.0.0.1");
    expect(pageErrors).toEqual([]);
  });

  it("send → the reply streams in as a draft, then settles as a message", async () => {
    const lane = page.locator('[data-lane="main"]');
    await send(lane, "hello streaming world of lanes");
    await lane.getByTestId("assistant-draft").waitFor({ timeout: 10_000 });
    expect(await lane.getByTestId("composer-button").textContent()).toBe("Stop");
    await lane.getByTestId("assistant-message").waitFor({ timeout: 10_000 });
    expect(await lane.getByTestId("assistant-message").textContent()).toBe("Noted: hello streaming world");
    expect(await lane.getByTestId("last-status").textContent()).toBe("completed");
    expect(await lane.getByTestId("composer-button").textContent()).toBe("Send");
  });

  it("stop cancels a long run; the wait-deadline badge shows while it runs", async () => {
    const lane = page.locator('[data-lane="cody"]');
    await send(lane, "tell me a long story");
    await lane.getByTestId("wait-deadline").waitFor({ timeout: 10_000 });
    const button = lane.getByTestId("composer-button");
    expect(await button.textContent()).toBe("Stop");
    await button.click();
    await expect
      .poll(
        () =>
          lane
            .getByTestId("last-status")
            .textContent()
            .catch(() => null),
        { timeout: 10_000 },
      )
      .toBe("cancelled");
    expect(await button.textContent()).toBe("Send");
    expect(await lane.getByTestId("wait-deadline").count()).toBe(0);
    const partial = await lane.getByTestId("assistant-message").last().textContent();
    expect(partial).toMatch(/^Noted: tell me a( Noted: tell me a)*/);
    expect(partial?.length).toBeLessThan(400 * "Noted: tell me a ".length);
  });

  it("a tool card and an approval card appear and resolve", async () => {
    const lane = page.locator('[data-lane="main"]');
    await send(lane, "use the tool then ask approval");
    const approval = lane.getByTestId("approval-card").last();
    await approval.getByRole("button", { name: "Approve" }).waitFor({ timeout: 10_000 });
    const tool = lane.getByTestId("tool-card").last();
    expect(await tool.getAttribute("data-phase")).toBe("completed");
    expect(await tool.textContent()).toContain("clawbridge_status");
    await page.screenshot({ path: join(REPORTS_DIR, "openmeow-web-approval.png"), fullPage: true });
    await approval.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => approval.getAttribute("data-status"), { timeout: 10_000 }).toBe("resolved");
    expect(await approval.getByTestId("approval-outcome").textContent()).toBe("allow-once");
    await expect
      .poll(() => lane.getByTestId("assistant-message").last().textContent(), { timeout: 10_000 })
      .toBe("Approved. Noted: use the tool");
    await send(lane, "one more approval please");
    const second = lane.getByTestId("approval-card").last();
    await second.getByRole("button", { name: "Deny" }).click();
    await expect.poll(() => second.getByTestId("approval-outcome").textContent(), { timeout: 10_000 }).toBe("deny");
    await expect.poll(() => lane.getByTestId("assistant-message").last().textContent(), { timeout: 10_000 }).toContain("Approval denied");
    await mkdir(REPORTS_DIR, { recursive: true });
    await page.screenshot({ path: join(REPORTS_DIR, "openmeow-web.png"), fullPage: true });
  });

  it("shows a visible error when the gateway is unreachable or refuses the token", async () => {
    const dead = await context.newPage();
    await dead.goto(appUrl("ws://127.0.0.1:9", "x"));
    const error = dead.getByTestId("gateway-error");
    await error.waitFor({ state: "visible", timeout: 10_000 });
    expect(await error.textContent()).toContain("Cannot connect to the gateway: gateway unreachable at ws://127.0.0.1:9");
    await dead.goto("about:blank");
    await dead.goto(appUrl(`ws://127.0.0.1:${host.port}`, "wrong-token"));
    await dead.getByTestId("gateway-error").waitFor({ state: "visible", timeout: 10_000 });
    expect(await dead.getByTestId("gateway-error").textContent()).toContain("gateway refused connect: unauthorized");
    await dead.screenshot({ path: join(REPORTS_DIR, "openmeow-web-unreachable.png") });
    await dead.close();
  });
});
