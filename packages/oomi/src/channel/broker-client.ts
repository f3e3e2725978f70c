import {
  OOMI_BROKER_CABLE_PATH,
  OOMI_DEVICE_CHANNEL_IDENTIFIER,
  type OomiBrokerDeviceFrame,
  type OomiBrokerServerFrame,
  OomiBrokerServerFrameSchema,
  type OomiCableClientEnvelope,
  OomiCableServerEnvelopeSchema,
} from "@clawbridge/contracts";
import WebSocket from "ws";

export interface BrokerConnectionHandlers {
  /** Authenticated (and, with ActionCable, subscribed): chat follows. */
  onReady(deviceId: string): void;
  onFrame(frame: OomiBrokerServerFrame): void;
  /** The socket is gone; `reason` says why (an HTTP refusal, a close code, a rejected subscription). */
  onClose(reason: string): void;
}

export interface BrokerConnection {
  send(frame: OomiBrokerDeviceFrame): boolean;
  close(): void;
}

/** True when the broker URL speaks ActionCable (its path ends in `/cable`), as upstream's bridge decides. */
export function isCableUrl(url: string): boolean {
  return new URL(url).pathname.endsWith(OOMI_BROKER_CABLE_PATH);
}

/** Opens the device broker WebSocket (`?token=<deviceToken>`), plain or ActionCable, and reports typed frames. */
export function connectBroker(url: string, deviceToken: string, handlers: BrokerConnectionHandlers): BrokerConnection {
  const target = new URL(url);
  target.searchParams.set("token", deviceToken);
  const cable = isCableUrl(url);
  const socket = new WebSocket(target, { handshakeTimeout: 10_000 });
  let closed = false;
  const finish = (reason: string) => {
    if (closed) return;
    closed = true;
    handlers.onClose(reason);
  };
  const raw = (value: OomiCableClientEnvelope | OomiBrokerDeviceFrame) => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(value));
    return true;
  };
  const deliver = (value: unknown) => {
    const frame = OomiBrokerServerFrameSchema.safeParse(value);
    // A frame type this device does not know (a newer backend) is skipped, not fatal.
    if (!frame.success) return;
    if (frame.data.type === "device.ready") handlers.onReady(frame.data.deviceId);
    else handlers.onFrame(frame.data);
  };
  socket.on("unexpected-response", (_req, res) => {
    // The backend refuses before upgrading (401 bad token, 404 no broker): the status says which.
    finish(`broker refused the connection: HTTP ${res.statusCode}`);
    res.resume();
    socket.terminate();
  });
  socket.on("open", () => {
    if (cable) raw({ command: "subscribe", identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER });
  });
  socket.on("message", (data, isBinary) => {
    if (isBinary) return;
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (!cable) return deliver(json);
    const envelope = OomiCableServerEnvelopeSchema.safeParse(json);
    if (!envelope.success) return;
    const value = envelope.data as { type?: string; message?: unknown };
    if (value.type === "reject_subscription" || value.type === "disconnect") {
      finish(`broker ${value.type === "disconnect" ? "disconnected the device" : "rejected the DeviceChannel subscription"}`);
      socket.close(4001, value.type);
      return;
    }
    if ("message" in value) deliver(value.message);
  });
  socket.on("error", (error) => finish(`broker socket error: ${error.message}`));
  socket.on("close", (code, reason) => finish(`broker closed the socket (${code}${reason.length ? ` ${reason.toString()}` : ""})`));
  return {
    send(frame) {
      if (!cable) return raw(frame);
      return raw({ command: "message", identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER, data: JSON.stringify(frame) });
    },
    close() {
      socket.terminate();
      finish("closed by the device");
    },
  };
}
