/**
 * The command modules the shell loads only when their command runs. tsup.config.ts builds each to
 * dist/commands/<name>.js, and bin/oomi.cjs hands the built shell a loader for them: the shell itself
 * holds no `import()`, because V8 loses the dynamic-import callback of a script compiled from a code
 * cache (Node 20), and the bin compiles the shell from one.
 */
export interface CommandModules {
  scaffold: typeof import("../commands/scaffold.js");
  create: typeof import("../commands/create.js");
  "create-managed": typeof import("../commands/create-managed.js");
  "launch-managed": typeof import("../commands/launch-managed.js");
  "local-runtime": typeof import("../commands/local-runtime.js");
  "runtime-report": typeof import("../commands/runtime-report.js");
  "persona-jobs": typeof import("../commands/persona-jobs.js");
  openclaw: typeof import("../commands/openclaw.js");
  standalone: typeof import("../bridge/standalone.js");
}

export type CommandName = keyof CommandModules;

export type LoadCommand = <Name extends CommandName>(name: Name) => Promise<CommandModules[Name]>;
