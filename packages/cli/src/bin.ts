#!/usr/bin/env node
// cli.js, not index.js: the package index re-exports library code the command line loads only on use.
import { runCli } from './cli.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`divoc: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
