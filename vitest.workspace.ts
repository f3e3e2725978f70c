import { defineWorkspace } from "vitest/config";

// Workspace packages resolve to their TypeScript sources under this condition, so tests run
// without a build; end-to-end suites use built plugin folders, as a gateway would.
const source = { conditions: ["@clawbridge/source", "import", "module", "node", "default"] };

export default defineWorkspace([
  {
    resolve: source,
    ssr: { resolve: { conditions: source.conditions, externalConditions: ["@clawbridge/source"] } },
    test: {
      name: "unit",
      include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "scripts/**/src/**/*.test.ts"],
      testTimeout: 20_000,
    },
  },
  {
    resolve: source,
    ssr: { resolve: { conditions: source.conditions, externalConditions: ["@clawbridge/source"] } },
    test: {
      name: "e2e",
      include: ["packages/*/test/e2e/**/*.test.ts", "apps/*/test/**/*.test.ts", "scripts/e2e/test/**/*.test.ts"],
      testTimeout: 120_000,
      hookTimeout: 300_000,
      // Real gateways and servers are heavy on a 2-core machine: one file at a time.
      fileParallelism: false,
    },
  },
]);
