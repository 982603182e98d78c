#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled command line (built by `npm ci` through `postinstall`).
// first, so that V8 reads its compiler flags before the analyser's code runs
import '../dist/cli/tiering.js';
import { run } from '../dist/cli/main.js';

// A reader that stops early (`massassign scan | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await run(process.argv.slice(2));
