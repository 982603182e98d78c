// `readOnly` properties of the OpenAPI schemas an app declares in its own Python: flasgger/apispec YAML docstrings
// (after `---`) and spec dicts written as Python literals. Each names a schema, a property and the place.
import { parse } from 'yaml';
import type { Expr, ModuleIR, Stmt } from '../python/ir.js';
import { positionOf } from '../python/positions.js';
import { childBodies } from '../semantic/project.js';
import { forEachExpr } from '../python/walk.js';

export interface ReadOnlyProperty {
  schema: string;
  field: string;
  path: string;
  line: number;
}

export function openapiReadOnly(modules: ModuleIR[]): ReadOnlyProperty[] {
  const out: ReadOnlyProperty[] = [];
  for (const module of modules) {
    if (!/readOnly/.test(module.source)) continue;
    const line = (offset: number) => positionOf(module.lineStarts, offset).line;
    for (const doc of docstrings(module.body)) {
      const yamlPart = doc.v.split(/^\s*---\s*$/m)[1];
      if (!yamlPart) continue;
      let tree: unknown;
      try {
        tree = parse(dedent(yamlPart));
      } catch {
        continue;
      }
      for (const [schema, field] of readOnlyIn(tree, undefined)) out.push({ schema, field, path: module.path, line: line(doc.s) });
    }
    forEachExpr(module.body, (expr) => {
      if (expr.t !== 'dict') return;
      for (const entry of expr.entries) {
        if ('spread' in entry || entry.key.t !== 'str' || entry.value.t !== 'dict') continue;
        const properties = entry.value.entries.find((e) => !('spread' in e) && e.key.t === 'str' && e.key.v === 'properties');
        if (!properties || 'spread' in properties || properties.value.t !== 'dict') continue;
        for (const prop of properties.value.entries) {
          if ('spread' in prop || prop.key.t !== 'str' || !isReadOnlyDict(prop.value)) continue;
          out.push({ schema: entry.key.v, field: prop.key.v, path: module.path, line: line(prop.key.s) });
        }
      }
    });
  }
  return out;
}

function isReadOnlyDict(expr: Expr): boolean {
  return expr.t === 'dict' && expr.entries.some((e) => !('spread' in e) && e.key.t === 'str' && e.key.v === 'readOnly' && e.value.t === 'const' && e.value.v === 'True');
}

/** [schema name, property] for every `readOnly: true` property under a named schema of a parsed document. */
function readOnlyIn(node: unknown, name: string | undefined): [string, string][] {
  if (!node || typeof node !== 'object') return [];
  const out: [string, string][] = [];
  const record = node as Record<string, unknown>;
  const properties = record.properties;
  if (name && properties && typeof properties === 'object') {
    for (const [field, spec] of Object.entries(properties as Record<string, unknown>)) {
      if (spec && typeof spec === 'object' && (spec as Record<string, unknown>).readOnly === true) out.push([name, field]);
    }
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'properties') out.push(...readOnlyIn(value, Array.isArray(record) ? name : key));
  }
  return out;
}

function docstrings(body: Stmt[]): Extract<Expr, { t: 'str' }>[] {
  const out: Extract<Expr, { t: 'str' }>[] = [];
  for (const stmt of body) {
    if (stmt.t === 'expr' && stmt.value.t === 'str') out.push(stmt.value);
    if (stmt.t === 'def') out.push(...docstrings(stmt.fn.body));
    if (stmt.t === 'class') out.push(...docstrings(stmt.cls.body));
    for (const child of childBodies(stmt)) out.push(...docstrings(child));
  }
  return out;
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}
