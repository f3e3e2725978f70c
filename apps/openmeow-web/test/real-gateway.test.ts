import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StaticServer, startOpenMeowWebServer } from "../src/server/static-server.js";
import { launchChromium, REPORTS_DIR } from "./support/chromium.js";

const diagnosticsDir = resolve(import.meta.dirname, "../../../packages/diagnostics");
const TURN_MS = 90_000;

let model: RunningDemoModel;
let gateway: RunningGateway;
let web: StaticServer;
let context: BrowserContext;
let profile: string;
let page: Page;

beforeAll(async () => {
  model = await startDemoModel();
  // The gateway `pnpm start` runs: the pinned openclaw with the bridge plugin and the demo model.
  gateway = await startOpenClawGateway({ plugins: [{ dir: diagnosticsDir }], model: { baseUrl: model.baseUrl, modelId: model.modelId } });
  web = await startOpenMeowWebServer();
  ({ context, profile } = await launchChromium("om-chromium-real-"));
  await mkdir(REPORTS_DIR, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await web?.stop();
  await gateway?.stop();
  await model?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

function appUrl(token: string): string {
  return `${web.url}/#${new URLSearchParams({ gateway: gateway.wsUrl, token, waitMs: "60000" })}`;
}

async function send(lane: Locator, message: string): Promise<void> {
  await lane.getByTestId("composer-input").fill(message);
  await lane.getByTestId("composer-button").click();
}

const lastStatus = (lane: Locator) =>
  lane
    .getByTestId("last-status")
    .textContent()
    .catch(() => null);

describe("OpenMeow web in headless Chromium against the real OpenClaw gateway and the demo model", () => {
  it("signs in with the browser's device identity and shows the gateway's agent lane", async () => {
    page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(appUrl(gateway.token));
    await expect.poll(() => page.getByTestId("lane").count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId("connection").textContent()).toBe(`connected to ${gateway.wsUrl}`);
    expect(await page.getByTestId("gateway-error").isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it("send → the demo model's reply streams in as a draft, then settles as a message", async () => {
    const lane = page.locator('[data-lane="main"]');
    await send(lane, "hello from chromium, take 3 seconds");
    await lane.getByTestId("assistant-draft").waitFor({ timeout: TURN_MS });
    expect(await lane.getByTestId("composer-button").textContent()).toBe("Stop");
    await expect.poll(() => lastStatus(lane), { timeout: TURN_MS }).toBe("completed");
    expect(await lane.getByTestId("assistant-message").last().textContent()).toBe("Taking my time (3 seconds), as asked: 1 2 3 Done.");
    await page.screenshot({ path: join(REPORTS_DIR, "openmeow-real-gateway-reply.png"), fullPage: true });
  });

  it("a tool card appears when the model calls a tool, and completes", async () => {
    const lane = page.locator('[data-lane="main"]');
    await send(lane, "call tool clawbridge_status");
    const card = lane
      .getByTestId("tool-card")
      .filter({ hasText: /clawbridge[_ ]status/i })
      .last();
    await card.waitFor({ timeout: TURN_MS });
    await expect.poll(() => card.getAttribute("data-phase"), { timeout: TURN_MS }).toBe("completed");
    await expect.poll(() => lastStatus(lane), { timeout: TURN_MS }).toBe("completed");
    expect(await lane.getByTestId("assistant-message").last().textContent()).toContain("The tool clawbridge_status returned");
    await page.screenshot({ path: join(REPORTS_DIR, "openmeow-real-gateway-tool.png"), fullPage: true });
  });

  it("stop cancels a long run mid-stream", async () => {
    const lane = page.locator('[data-lane="main"]');
    await send(lane, "a long one, take 60 seconds");
    await expect
      .poll(
        () =>
          lane
            .getByTestId("assistant-draft")
            .textContent()
            .catch(() => ""),
        { timeout: TURN_MS },
      )
      .toMatch(/ 2 /);
    const button = lane.getByTestId("composer-button");
    expect(await button.textContent()).toBe("Stop");
    await button.click();
    await expect.poll(() => lastStatus(lane), { timeout: TURN_MS }).toBe("cancelled");
    expect(await button.textContent()).toBe("Send");
    const partial = await lane.getByTestId("assistant-message").last().textContent();
    expect(partial).toMatch(/^Taking my time \(60 seconds\), as asked: 1 2/);
    expect(partial).not.toContain("Done.");
    await page.screenshot({ path: join(REPORTS_DIR, "openmeow-real-gateway-stopped.png"), fullPage: true });
  });

  it("a wrong token shows the error banner", async () => {
    const wrong = await context.newPage();
    await wrong.goto(appUrl("not-the-token"));
    const error = wrong.getByTestId("gateway-error");
    await error.waitFor({ state: "visible", timeout: 30_000 });
    expect(await error.textContent()).toContain("gateway refused connect: unauthorized: gateway token mismatch");
    await wrong.screenshot({ path: join(REPORTS_DIR, "openmeow-real-gateway-wrong-token.png") });
    await wrong.close();
  });
});
