import type { IngressReply, RawIngress } from "../runtime/clawhip-runtime.js";

interface Waiting {
  item: RawIngress;
  resolve: (reply: IngressReply) => void;
  reject: (error: Error) => void;
}

/**
 * Collects the ingress bodies that arrive within one event-loop turn and hands them to `process` as
 * one batch on the next turn. Running the pipeline for many events in a row, rather than interleaved
 * with HTTP parsing, keeps its code and data hot; and the batch's spool lines go out in one write.
 */
export class IngressBatcher {
  readonly #process: (items: RawIngress[]) => Promise<IngressReply[]>;
  #waiting: Waiting[] = [];
  #scheduled = false;

  constructor(process: (items: RawIngress[]) => Promise<IngressReply[]>) {
    this.#process = process;
  }

  submit(item: RawIngress): Promise<IngressReply> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#run());
      }
    });
  }

  #run(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#scheduled = false;
    let replies: Promise<IngressReply[]>;
    try {
      replies = this.#process(batch.map((w) => w.item));
    } catch (error) {
      replies = Promise.reject(error);
    }
    replies.then(
      (results) => {
        for (let i = 0; i < batch.length; i += 1) (batch[i] as Waiting).resolve(results[i] as IngressReply);
      },
      (error: Error) => {
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }
}
