// The programmatic API: scan(options) reads a Flask project and returns one ScanResult; applyFixes turns
// its findings' fixes into new file texts (unifiedDiff shows them).
export { scan } from './scan.js';
export type { ScanOptions } from './scan.js';
export type * from './result.js';
export { applyFixes, unifiedDiff } from './fix/apply.js';
export type { FixOptions, FixOutcome, FixedFile } from './fix/apply.js';
