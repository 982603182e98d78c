// The value a probe sends: type-aware and recognisable, always different from the current value.
const PRIVILEGE = /role|scope|permission|privilege|group|tier|plan|level/i;

/** A value for `field` unlike `current`: a flipped boolean, a number moved far away, a privileged role or scope, or a run marker. */
export function probeValue(field: string, current: unknown, marker: string): unknown {
  if (typeof current === 'boolean') return !current;
  if (typeof current === 'number') return Number.isInteger(current) ? current + 987_654 : current + 987_654.5;
  if (Array.isArray(current)) return current.includes('admin') ? [...current, marker] : [...current, 'admin'];
  if (PRIVILEGE.test(field)) {
    if (/s$/.test(field) && current === undefined) return ['admin'];
    return current === 'admin' ? 'superuser' : 'admin';
  }
  if (typeof current === 'string' && /^\d{4}-\d\d-\d\d/.test(current)) return otherDate(current);
  if (typeof current === 'string') return marker;
  if (/^(is|has|can)_|^(is|has|can)[A-Z]|admin|staff|superuser|verified|approved|debug|enabled|trusted/i.test(field)) return true;
  if (/limit|credit|balance|quota|count|_id$|Id$/i.test(field)) return 987_654;
  return marker;
}

/** Whether what the server stored is what was sent, allowing the coercions a database makes (true ↔ 1, 5 ↔ "5"). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (JSON.stringify(a) === JSON.stringify(b)) return true;
  const scalar = (v: unknown) => (typeof v === 'boolean' ? String(Number(v)) : typeof v === 'number' || typeof v === 'string' ? String(v) : undefined);
  const x = scalar(a);
  return x !== undefined && x === scalar(b);
}

/** A date or date-time in the same format as `current`, on another day (1999-12-31, or 2000-01-01 when it is that). */
function otherDate(current: string): string {
  const day = current.startsWith('1999-12-31') ? '2000-01-01' : '1999-12-31';
  return `${day}${current.slice(10)}`;
}
