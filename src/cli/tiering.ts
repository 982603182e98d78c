// Tells V8 to optimize a function only after more calls than by default; imported first by the CLI.
//
// With V8's defaults a scan keeps compiling its large functions again and again (the lowering's `expr`, the
// interpreter's `call`): each was optimized before it had seen every kind of node or value, and thrown away at the
// next new one ("wrong map", "insufficient type feedback"). On pgadmin, 8.8 s of the 15.3 s TurboFan spent compiling
// went to such recompiles. The compiler runs on other threads, so the cost shows as CPU: 1.6 cores busy while one
// thread analyses, and two analysis threads compete with it for two cores. Waiting longer gives V8 fuller feedback
// and fewer recompiles (bench/README.md has the measurements).
//
// Only the CLI does this: a program that imports the library keeps the flags it chose. The flag for this threshold
// changed in V8 12, and V8 prints an error for a flag it does not know, so each row covers only the V8 majors it was
// measured on.
import { setFlagsFromString } from 'node:v8';

const LATER_TIER_UP: { v8Majors: number[]; flag: string }[] = [
  // Node 20: the default interrupt budget is 66 KB of bytecode; 8x was best on the real-apps corpus
  { v8Majors: [11], flag: '--interrupt-budget=528000' },
  // Node 22 and 24: the default is 3,000 calls; 4x
  { v8Majors: [12, 13], flag: '--invocation-count-for-turbofan=12000' },
];

/** The flag for a V8 version (`process.versions.v8`), if it is one this was measured on. */
export function laterTierUpFlag(v8Version: string): string | undefined {
  const major = Number(v8Version.split('.')[0]);
  return LATER_TIER_UP.find((r) => r.v8Majors.includes(major))?.flag;
}

const flag = laterTierUpFlag(process.versions.v8);
if (flag) setFlagsFromString(flag);
