import type { ClawhipFormat } from "@clawbridge/contracts";

/** An event as it arrives, before normalization: a kind, optional routing hints, any payload. */
export interface IncomingEvent {
  kind: string;
  payload: unknown;
  channel?: string;
  mention?: string;
  format?: ClawhipFormat;
  template?: string;
}
