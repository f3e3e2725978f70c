import { createOpenMeowSDKClient } from "@clawbridge/openmeow-sdk/browser";
import { parseAppConfig } from "./config.js";
import { Lane } from "./lane.js";
import { escapeHtml, renderLane } from "./render.js";

const config = parseAppConfig(window.location);
const lanesRoot = document.getElementById("lanes") as HTMLElement;
const errorBox = document.getElementById("error") as HTMLElement;
const connection = document.getElementById("connection") as HTMLElement;
const lanes = new Map<string, Lane>();
const inputs = new Map<string, string>();
let scheduled = false;

function showError(message: string): void {
  errorBox.hidden = false;
  errorBox.textContent = message;
  connection.textContent = "disconnected";
}

function render(): void {
  scheduled = false;
  for (const [agentId, lane] of lanes) {
    const section = lanesRoot.querySelector<HTMLElement>(`[data-lane="${CSS.escape(agentId)}"]`);
    if (!section) continue;
    const focused = document.activeElement instanceof HTMLInputElement && section.contains(document.activeElement);
    section.innerHTML = renderLane(lane.view(inputs.get(agentId) ?? ""));
    const feed = section.querySelector(".feed");
    if (feed) feed.scrollTop = feed.scrollHeight;
    if (focused) section.querySelector<HTMLInputElement>("input")?.focus();
  }
}

function scheduleRender(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(render);
}

lanesRoot.addEventListener("input", (event) => {
  const input = event.target as HTMLInputElement;
  const agentId = input.closest<HTMLElement>("[data-lane]")?.dataset.lane;
  if (agentId) inputs.set(agentId, input.value);
});

lanesRoot.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const agentId = form.closest<HTMLElement>("[data-lane]")?.dataset.lane;
  const lane = agentId ? lanes.get(agentId) : undefined;
  if (!lane || !agentId) return;
  if (lane.state.composer.mode !== "idle") {
    void lane.stop();
    return;
  }
  const message = inputs.get(agentId) ?? "";
  inputs.set(agentId, "");
  void lane.send(message);
});

lanesRoot.addEventListener("click", (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-action]");
  const agentId = button?.closest<HTMLElement>("[data-lane]")?.dataset.lane;
  const lane = agentId ? lanes.get(agentId) : undefined;
  if (!button || !lane) return;
  const action = button.dataset.action;
  if (action === "stop") {
    event.preventDefault();
    void lane.stop();
  } else if ((action === "approve" || action === "deny") && button.dataset.approval) {
    button.disabled = true;
    void lane.respond(button.dataset.approval, action === "approve" ? "allow-once" : "deny");
  }
});

async function start(): Promise<void> {
  const client = createOpenMeowSDKClient({
    gateway: config.gateway,
    ...(config.token ? { token: config.token } : {}),
    ...(config.password ? { password: config.password } : {}),
    connectTimeoutMs: 5_000,
    // A dropped connection is retried (backoff with jitter) and the lanes' runs recovered; the
    // banner appears only once the client gives up.
    onReconnecting: (info) => {
      connection.textContent = `reconnecting to ${config.gateway} (attempt ${info.attempt})…`;
    },
    onReconnected: () => {
      connection.textContent = `connected to ${config.gateway}`;
    },
    onClose: (info) =>
      showError(
        `Gateway connection lost (${info.code}${info.reason ? ` ${info.reason}` : ""}); reconnecting gave up. Reload once it is back.`,
      ),
  });
  try {
    await client.connect();
  } catch (error) {
    showError(`Cannot connect to the gateway: ${(error as Error).message}. Start it with "pnpm start" and open the link it prints.`);
    return;
  }
  connection.textContent = `connected to ${config.gateway}`;
  const listed = (await client.listAgents()) as { agents: Array<{ id: string; name?: string }> };
  for (const agent of listed.agents) {
    const { sessionKey } = await client.createLaneSession({ agentId: agent.id, label: `OpenMeow ${agent.name ?? agent.id}` });
    lanes.set(
      agent.id,
      new Lane(client, { agentId: agent.id, title: agent.name ?? agent.id, sessionKey, waitMs: config.waitMs, onChange: scheduleRender }),
    );
    lanesRoot.insertAdjacentHTML("beforeend", `<section class="lane" data-lane="${escapeHtml(agent.id)}" data-testid="lane"></section>`);
  }
  render();
}

start().catch((error: Error) => showError(`OpenMeow failed: ${error.message}`));
