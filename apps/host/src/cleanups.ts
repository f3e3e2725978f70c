/**
 * What has to be undone on the way out, in reverse order of setting up: each server, the gateway
 * process tree, an install in progress. A step that fails is reported and the rest still run, so one
 * stuck server cannot keep a port of another one taken.
 */
export class Cleanups {
  readonly #steps: Array<{ name: string; run: () => Promise<void> | void }> = [];
  readonly #report: (line: string) => void;

  constructor(report: (line: string) => void) {
    this.#report = report;
  }

  /** Registers `run` to be called by `runAll`; the last registered runs first. */
  add(name: string, run: () => Promise<void> | void): void {
    this.#steps.push({ name, run });
  }

  async runAll(): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        this.#report(`stopping ${step.name}: ${(error as Error).message}`);
      }
    }
  }
}
