// The programmatic API: scan(options) reads a Flask project and returns one ScanResult.
export { scan } from './scan.js';
export type { ScanOptions } from './scan.js';
export type * from './result.js';
