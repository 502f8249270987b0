#!/usr/bin/env node
// Entry point for the kubeforge CLI; the compiled sources live in dist/ (run `npm install` or `npm run build`).
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === "number") process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`kubeforge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
