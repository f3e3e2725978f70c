import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  OOMI_BROKER_CABLE_PATH,
  OOMI_BROKER_MAX_FRAME_BYTES,
  OOMI_BROKER_WS_PATH,
  OOMI_DEVICE_CHANNEL_IDENTIFIER,
  type OomiBrokerDeviceFrame,
  OomiBrokerDeviceFrameSchema,
  type OomiBrokerServerFrame,
  OomiCableClientEnvelopeSchema,
} from "@clawbridge/contracts";
import { heartbeatWebSockets, RequestTargetError, refuseSocket, requestTarget } from "@clawbridge/plugin-host";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { leaseChatForBroker, settleAck } from "./channel-queue.js";
import { HttpError } from "./http.js";
import { type BackendStore, StoreUnavailableError } from "./store.js";

export interface DeviceBrokerOptions {
  store: BackendStore;
  now: () => Date;
  log: (line: string) => void;
  /** The device a token belongs to (constant-time over every device), or null. */
  deviceForToken: (token: string | undefined) => string | null;
  errorBody: (status: number, code: string, message: string) => unknown;
  maxFrameBytes?: number;
  heartbeatIntervalMs?: number;
}

export interface DeviceBroker {
  /** New chat was queued for `deviceId`: push it to its connected sockets. */
  notify(deviceId: string): void;
  close(): void;
}

interface Peer {
  socket: WebSocket;
  deviceId: string;
  cable: boolean;
  /** ActionCable peers receive frames only once subscribed to DeviceChannel. */
  subscribed: boolean;
  /** Messages already sent on this connection (a new connection is offered every unsettled one again). */
  sent: Set<string>;
}

/**
 * The device broker WebSocket: `/v1/device/ws` (plain frames) and `/cable` (ActionCable framing),
 * both `?token=<deviceToken>`. It carries queued user chat to the device (`channel.message`) and the
 * device's acks back (`channel.ack`); the device posts its replies to `/v1/channel/plugin/messages`.
 */
export function attachDeviceBroker(server: Server, options: DeviceBrokerOptions): DeviceBroker {
  const { store, log } = options;
  const maxFrameBytes = options.maxFrameBytes ?? OOMI_BROKER_MAX_FRAME_BYTES;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  const peers = new Set<Peer>();
  wss.on("wsClientError", (error: Error, socket: Duplex, req: IncomingMessage) => {
    if (req.method !== "GET")
      refuseSocket(socket, 405, "Method Not Allowed", options.errorBody(405, "method_not_allowed", "A WebSocket upgrade is a GET"));
    else refuseSocket(socket, 400, "Bad Request", options.errorBody(400, "bad_request", `WebSocket handshake: ${error.message}`));
  });
  const stopHeartbeat = heartbeatWebSockets(wss, { intervalMs: options.heartbeatIntervalMs ?? 30_000 });

  const send = (peer: Peer, frame: OomiBrokerServerFrame) => {
    if (peer.socket.readyState !== peer.socket.OPEN) return;
    peer.socket.send(JSON.stringify(peer.cable ? { identifier: OOMI_DEVICE_CHANNEL_IDENTIFIER, message: frame } : frame));
  };
  const sendControl = (peer: Peer, control: Record<string, unknown>) => {
    if (peer.socket.readyState === peer.socket.OPEN) peer.socket.send(JSON.stringify(control));
  };
  const sendError = (peer: Peer, code: string, message: string) => send(peer, { type: "error", code, message });

  /** Offers every unsettled chat message this connection has not been sent yet. */
  const offer = async (peer: Peer) => {
    if (peer.cable && !peer.subscribed) return;
    try {
      const messages = await leaseChatForBroker(store, peer.deviceId, options.now(), peer.sent);
      for (const message of messages) {
        peer.sent.add(message.messageId);
        send(peer, { type: "channel.message", message });
      }
    } catch (error) {
      // Nothing was leased (the store rolled back); the device's poll or next connection picks it up.
      log(`broker: offering chat to ${peer.deviceId} failed: ${(error as Error).message}`);
    }
  };

  const ready = (peer: Peer) => {
    send(peer, { type: "device.ready", deviceId: peer.deviceId });
    void offer(peer);
  };

  const handleDeviceFrame = async (peer: Peer, frame: OomiBrokerDeviceFrame) => {
    if (frame.type !== "channel.ack") return;
    try {
      const settled = await settleAck(store, peer.deviceId, {
        messageId: frame.messageId,
        outcome: frame.outcome,
        ...(frame.failureCode ? { failureCode: frame.failureCode } : {}),
      });
      if (settled.state === "delivered" || settled.state === "failed")
        send(peer, { type: "channel.acked", messageId: frame.messageId, state: settled.state });
    } catch (error) {
      if (error instanceof HttpError) sendError(peer, error.code, error.message);
      else if (error instanceof StoreUnavailableError) sendError(peer, "store_unavailable", "the ack could not be saved; send it again");
      else throw error;
    }
  };

  /** Parses one text frame (unwrapping ActionCable) into a device frame, or answers why not. */
  const onFrame = (peer: Peer, raw: RawData, isBinary: boolean) => {
    if (isBinary) return sendError(peer, "invalid_frame", "frames are JSON text, not binary");
    let json: unknown;
    try {
      json = JSON.parse(raw.toString());
    } catch {
      return sendError(peer, "invalid_json", "a frame must be one JSON object");
    }
    if (peer.cable) {
      const envelope = OomiCableClientEnvelopeSchema.safeParse(json);
      if (!envelope.success)
        return sendError(peer, "invalid_frame", "an ActionCable frame is {command: subscribe|unsubscribe|message, identifier, data?}");
      const { command, identifier } = envelope.data;
      if (identifier !== OOMI_DEVICE_CHANNEL_IDENTIFIER) {
        sendControl(peer, { type: "reject_subscription", identifier });
        return;
      }
      if (command === "subscribe") {
        peer.subscribed = true;
        log(`broker: device ${peer.deviceId} subscribed to DeviceChannel`);
        sendControl(peer, { type: "confirm_subscription", identifier });
        ready(peer);
        return;
      }
      if (command === "unsubscribe") {
        peer.subscribed = false;
        return;
      }
      if (!peer.subscribed) return sendError(peer, "not_subscribed", "subscribe to DeviceChannel before sending messages");
      try {
        json = JSON.parse(envelope.data.command === "message" ? envelope.data.data : "");
      } catch {
        return sendError(peer, "invalid_json", "an ActionCable message's data must be a JSON object string");
      }
    }
    const frame = OomiBrokerDeviceFrameSchema.safeParse(json);
    if (!frame.success) {
      const issue = frame.error.issues[0];
      return sendError(peer, "invalid_frame", `${issue?.path.join(".") || "frame"}: ${issue?.message ?? "not a device frame"}`);
    }
    void handleDeviceFrame(peer, frame.data).catch((error) =>
      log(`broker: frame from ${peer.deviceId} failed: ${(error as Error).message}`),
    );
  };

  wss.on("connection", (socket: WebSocket, _req: IncomingMessage, deviceId: string, cable: boolean) => {
    const peer: Peer = { socket, deviceId, cable, subscribed: false, sent: new Set() };
    peers.add(peer);
    socket.on("message", (raw, isBinary) => onFrame(peer, raw, isBinary));
    socket.on("error", (error) => log(`broker: socket of ${deviceId}: ${error.message}`));
    socket.on("close", () => {
      peers.delete(peer);
      log(`broker: device ${deviceId} disconnected`);
    });
    log(`broker: device ${deviceId} connected (${cable ? "ActionCable" : "plain"} framing)`);
    if (cable) sendControl(peer, { type: "welcome" });
    else ready(peer);
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // node takes its own error listener off an upgraded socket; a reset before ws adds one must not crash.
    socket.on("error", () => socket.destroy());
    if (!socket.writable) return;
    try {
      const { pathname, searchParams } = requestTarget(req);
      const cable = pathname === OOMI_BROKER_CABLE_PATH;
      if (pathname !== OOMI_BROKER_WS_PATH && !cable) {
        refuseSocket(
          socket,
          404,
          "Not Found",
          options.errorBody(404, "not_found", `the device broker is at ${OOMI_BROKER_WS_PATH} (or ${OOMI_BROKER_CABLE_PATH})`),
        );
        return;
      }
      const deviceId = options.deviceForToken(searchParams.get("token") ?? undefined);
      if (!deviceId) {
        refuseSocket(
          socket,
          401,
          "Unauthorized",
          options.errorBody(401, "unauthorized", "a valid device token is required (?token=<deviceToken>)"),
        );
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req, deviceId, cable));
    } catch (error) {
      if (error instanceof RequestTargetError) {
        refuseSocket(socket, 400, "Bad Request", options.errorBody(400, error.code, error.message));
        return;
      }
      log(`broker: upgrade failed: ${(error as Error).message}`);
      refuseSocket(socket, 500, "Internal Server Error", options.errorBody(500, "internal", "internal error"));
    }
  });

  return {
    notify(deviceId) {
      for (const peer of peers) if (peer.deviceId === deviceId) void offer(peer);
    },
    close() {
      stopHeartbeat();
      for (const peer of peers) peer.socket.terminate();
      wss.close();
    },
  };
}
