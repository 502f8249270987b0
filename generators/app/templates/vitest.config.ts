import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["api/**/*.test.ts", "internal/**/*.test.ts", "src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // a new project has no tests until "kubeforge create api" adds some
    passWithNoTests: true,
  },
});
