// massassign's version, read from package.json (one source of truth for the CLI and SARIF).
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
