// The key set: which keys of a request-derived mapping the caller controls (see DESIGN.md).
// Every key, at most S, every key but D, or none; with the filters that narrow it and the join.

export type KeySet =
  | { kind: 'any' }
  | { kind: 'only'; keys: ReadonlySet<string> }
  | { kind: 'anyBut'; keys: ReadonlySet<string> }
  | { kind: 'none' };

export const ANY: KeySet = { kind: 'any' };
export const NONE: KeySet = { kind: 'none' };

export const only = (keys: Iterable<string>): KeySet => ({ kind: 'only', keys: new Set(keys) });
export const anyBut = (keys: Iterable<string>): KeySet => ({ kind: 'anyBut', keys: new Set(keys) });

/** Keeps only keys in `allowed` (an allowlist). */
export function intersect(set: KeySet, allowed: ReadonlySet<string>): KeySet {
  switch (set.kind) {
    case 'none':
      return set;
    case 'any':
      return only(allowed);
    case 'only':
      return only([...set.keys].filter((k) => allowed.has(k)));
    case 'anyBut':
      return only([...allowed].filter((k) => !set.keys.has(k)));
  }
}

/** Removes the keys in `denied` (a denylist). */
export function subtract(set: KeySet, denied: ReadonlySet<string>): KeySet {
  switch (set.kind) {
    case 'none':
      return set;
    case 'any':
      return anyBut(denied);
    case 'only':
      return only([...set.keys].filter((k) => !denied.has(k)));
    case 'anyBut':
      return anyBut([...set.keys, ...denied]);
  }
}

/** Applies `filter` (itself a key set, read as "what may pass") to `set`. */
export function restrict(set: KeySet, filter: KeySet): KeySet {
  switch (filter.kind) {
    case 'any':
      return set;
    case 'none':
      return NONE;
    case 'only':
      return intersect(set, filter.keys);
    case 'anyBut':
      return subtract(set, filter.keys);
  }
}

/** The union at merges: Only(S) ∪ AnyBut(D) = AnyBut(D − S). */
export function join(a: KeySet, b: KeySet): KeySet {
  if (a.kind === 'none') return b;
  if (b.kind === 'none') return a;
  if (a.kind === 'any' || b.kind === 'any') return ANY;
  if (a.kind === 'only' && b.kind === 'only') return only([...a.keys, ...b.keys]);
  if (a.kind === 'anyBut' && b.kind === 'anyBut') return anyBut([...a.keys].filter((k) => b.keys.has(k)));
  const [o, d] = a.kind === 'only' ? [a, b] : [b, a];
  return anyBut([...d.keys].filter((k) => !o.keys.has(k)));
}


/** Which of `fields` the key set lets through. */
export function reachable(set: KeySet, fields: Iterable<string>): string[] {
  return [...fields].filter((f) => mayContain(set, f));
}

function mayContain(set: KeySet, key: string): boolean {
  switch (set.kind) {
    case 'none':
      return false;
    case 'any':
      return true;
    case 'only':
      return set.keys.has(key);
    case 'anyBut':
      return !set.keys.has(key);
  }
}


export function describeKeySet(set: KeySet): string {
  switch (set.kind) {
    case 'any':
      return 'every key';
    case 'none':
      return 'no key';
    case 'only':
      return `only ${[...set.keys].sort().join(', ') || 'no key'}`;
    case 'anyBut':
      return `every key except ${[...set.keys].sort().join(', ')}`;
  }
}
