// The key set: which keys of a request-derived mapping the caller controls (see DESIGN.md).
// Every key, at most S, every key but D, or none; with the transforms filters apply and the join.

export type KeySet =
  | { kind: 'any' }
  | { kind: 'only'; keys: ReadonlySet<string> }
  | { kind: 'anyBut'; keys: ReadonlySet<string> }
  | { kind: 'none' };
