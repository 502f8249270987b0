import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["runtime/**/*.test.ts", "src/**/*.test.ts", "generators/**/*.test.ts", "examples/**/*.test.ts", "test/**/*.test.ts"],
    // the scaffold templates contain *.test.ts files for generated projects (EJS, not tests of this repo)
    exclude: [...configDefaults.exclude, "generators/**/templates/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
