// Structured logging through the app logger, passed where a Logger is expected.
import { type AppLogger, createAppLogger, type Logger } from "@rome-os/app-runtime";

const log: AppLogger = createAppLogger("notes");

function sync(logger: Logger, count: number): void {
  logger.debug("sync starting");
  logger.info("synced", { count });
  if (count === 0) logger.warn("nothing to sync", { hint: "check the account" });
}

export function run(): void {
  try {
    sync(log, 3);
  } catch (error) {
    log.error("sync failed", { error: String(error) });
  }
}
