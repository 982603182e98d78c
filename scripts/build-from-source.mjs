// `postinstall`: compiles src/ to dist/ in a source checkout (git clone + npm install, as CI and pre-commit do);
// does nothing in an installed package, which ships dist/ and no src/. Not `prepare`: npm prints a lifecycle
// banner on `npm pack`'s standard output, and pre-commit reads the tarball name from that output.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('src') && existsSync('tsconfig.build.json')) {
  // npm puts node_modules/.bin on PATH for lifecycle scripts
  execFileSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
