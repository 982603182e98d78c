// Tells V8 to optimize a function only after more calls than by default, and to inline little into it; imported
// first by the CLI.
//
// With V8's defaults a scan keeps compiling its large functions again and again (the lowering's `expr`, the
// interpreter's `call`): each was optimized before it had seen every kind of node or value, and thrown away at the
// next new one ("wrong map", "insufficient type feedback"). On pgadmin, 8.8 s of the 15.3 s TurboFan spent compiling
// went to such recompiles. The compiler runs on other threads, so the cost shows as CPU: 1.6 cores busy while one
// thread analyses, and two analysis threads compete with it for two cores. Waiting longer gives V8 fuller feedback
// and fewer recompiles. What compiling is left is mostly inlining: with callees of up to 30 bytes of bytecode
// inlined instead of 460, a scan of the real-apps corpus compiles for 2.7 s of CPU instead of 5.7 s. Its code is
// a little slower on one thread, whose compiles had the other core to themselves, but two analysis threads no
// longer wait for the compiler (bench/README.md has the measurements).
//
// Only the CLI does this: a program that imports the library keeps the flags it chose. The flag for the tier-up
// threshold changed in V8 12, and V8 prints an error for a flag it does not know, so each row covers only the V8
// majors it was measured on.
import { setFlagsFromString } from 'node:v8';

/** Callees inlined: at most this many bytes of bytecode (V8's default is 460). */
const SMALL_INLINING = '--max-inlined-bytecode-size=30';

const COMPILER_FLAGS: { v8Majors: number[]; flags: string[] }[] = [
  // Node 20: the default interrupt budget is 66 KB of bytecode; 8x was best on the real-apps corpus
  { v8Majors: [11], flags: ['--interrupt-budget=528000', SMALL_INLINING] },
  // Node 22 and 24: the default is 3,000 calls; 4x
  { v8Majors: [12, 13], flags: ['--invocation-count-for-turbofan=12000', SMALL_INLINING] },
];

/** The flags for a V8 version (`process.versions.v8`), if it is one they were measured on. */
export function compilerFlags(v8Version: string): string[] | undefined {
  const major = Number(v8Version.split('.')[0]);
  return COMPILER_FLAGS.find((r) => r.v8Majors.includes(major))?.flags;
}

for (const flag of compilerFlags(process.versions.v8) ?? []) setFlagsFromString(flag);
