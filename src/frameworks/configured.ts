// What a user's config names by qualified name: functions that sanitise (their result carries no
// caller-chosen keys, e.g. a project's own allowlist helper).
import { refs } from '../dataflow/facts.js';
import type { LibraryModel } from '../dataflow/library.js';

export function configuredSanitizers(qualifiedNames: readonly string[]): LibraryModel {
  const names = new Set(qualifiedNames);
  return {
    name: 'configured-sanitizers',
    call(site) {
      const called = refs(site.callee).some((r) => (r.type === 'function' && names.has(r.fn)) || (r.type === 'external' && names.has(r.path)));
      return called ? [] : undefined;
    },
  };
}
