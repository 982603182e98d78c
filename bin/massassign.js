#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled command line (built by `npm ci` through `prepare`).
import { run } from '../dist/cli/main.js';
process.exitCode = await run(process.argv.slice(2));
