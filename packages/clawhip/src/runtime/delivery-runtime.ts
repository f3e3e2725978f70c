import type { ClawhipConfig, ClawhipHealth } from "@clawbridge/contracts";
import { ClusterRuntime } from "../cluster/cluster-runtime.js";
import type { IngressSurface } from "../ingress/accept.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { ClawhipRuntime, type ClawhipRuntimeOptions, type IngressReply, type RawIngress } from "./clawhip-runtime.js";

/**
 * What the daemon, the plugin and the HTTP handler need of a running clawhip, whichever backend holds
 * the accepted deliveries: the local file spool (`ClawhipRuntime`) or a JetStream stream shared by
 * several daemons (`ClusterRuntime`). Either answers 202 only once the event's jobs are durable.
 */
export interface DeliveryRuntime {
  readonly config: ClawhipConfig;
  accept(surface: IngressSurface, body: unknown): Promise<IngressReply>;
  acceptBatch(items: readonly RawIngress[]): Promise<IngressReply[]>;
  acceptEvent(incoming: IncomingEvent): Promise<IngressReply>;
  health(): ClawhipHealth;
  stop(): Promise<void>;
}

/** Starts the backend `[cluster]` asks for: `backend = "nats"`, else the embedded file spool. */
export function startDeliveryRuntime(options: ClawhipRuntimeOptions): Promise<DeliveryRuntime> {
  const { cluster } = options.config;
  if (cluster?.backend === "nats") return ClusterRuntime.start({ ...options, cluster });
  return ClawhipRuntime.start(options);
}
