// An action factory over the app's runtime deps: its context, its logger and its settings.
import { type Action, type AppActionRuntimeDeps, defineAction, z } from "@rome-os/app-runtime";

type Deps = AppActionRuntimeDeps<{ now: () => Date }>;

export function createActions(deps: Deps): Action[] {
  const { appContext, now } = deps;
  return [
    defineAction({
      config: {
        name: `${appContext.app.id}_remember`,
        type: "custom",
        description: "Stores a value in the app's settings.",
        complexity: "simple",
        speed: "fast",
        reliability: "high",
        sideEffects: "write",
      },
      schema: z.object({ key: z.string(), value: z.string() }),
      execute: async ({ key, value }) => {
        await appContext.repositories.settings.set(key, { value, at: now().toISOString() });
        const back = await appContext.repositories.settings.get<{ value: string }>(key);
        appContext.log.info("remembered", { key, version: appContext.app.version });
        return { status: "ok", data: back?.value };
      },
    }),
  ];
}
