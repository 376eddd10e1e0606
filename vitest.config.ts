import { defineConfig } from "vitest/config";

// Two projects: unit tests beside the code (no root needed) and integration
// tests that run real containers as root against real runc, overlayfs, CNI and a registry.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "schema/**/*.test.ts", "bench/**/*.test.ts", "scripts/**/*.test.ts"],
          // Says in one line when the shared corpus is absent and its tests are skipped.
          globalSetup: ["test/support/shared-corpus-setup.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
