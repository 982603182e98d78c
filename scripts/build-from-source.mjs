// `postinstall`: compiles src/ to dist/ in a source checkout (git clone + npm install, as CI and pre-commit do);
// does nothing in an installed package, which ships dist/ and no src/. Not `prepare`: npm prints a lifecycle
// banner on `npm pack`'s standard output, and pre-commit reads the tarball name from that output.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

if (existsSync('src') && existsSync('tsconfig.build.json')) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
