// URL rules as the probe handles them: Flask `<int:id>` and OpenAPI `{id}` both become `{id}`, then get filled in.

/** The canonical form of a route: `{name}` parameters; every other byte as written (a trailing slash is kept). */
export function canonicalRoute(rule: string): string {
  return rule.replace(/<(?:[^:>]+:)?([^>]+)>/g, '{$1}');
}

export function routeParams(route: string): string[] {
  return [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** The route with its first parameter filled in. */
export function fillFirst(route: string, value: string): string {
  return route.replace(/\{[^}]+\}/, encodeURIComponent(value));
}

/** The collection a parameter's values come from: `/devices/{id}/logs` → `/devices`. */
export function collectionBefore(route: string): string {
  const at = route.indexOf('/{');
  return at <= 0 ? '/' : route.slice(0, at);
}

/** The item route under a collection among known routes: `/keys` → `/keys/{key_id}`. */
export function itemRouteOf(collection: string, known: Iterable<string>): string | undefined {
  const prefix = collection.endsWith('/') ? collection : `${collection}/`;
  for (const route of known) {
    if (route.startsWith(`${prefix}{`) && !route.slice(prefix.length).replace(/\/$/, '').includes('/')) return route;
  }
  return undefined;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function isWrite(method: string): boolean {
  return WRITE_METHODS.has(method.toUpperCase());
}

/** Parses a `--path` value: `METHOD /path`. */
export function parseEndpoint(text: string): { method: string; route: string } | undefined {
  const match = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(text);
  return match ? { method: match[1].toUpperCase(), route: canonicalRoute(match[2]) } : undefined;
}
