import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";

/** The demo model (not an AI) the gateway's agents use by default, on 127.0.0.1 at `port` (0: a free one). */
export function startEmbeddedDemoModel(port: number): Promise<RunningDemoModel> {
  return startDemoModel({ port, log: (line) => process.stderr.write(`demo-model: ${line}\n`) });
}
