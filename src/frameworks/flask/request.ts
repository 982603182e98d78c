// Flask's request as a source of caller-chosen keys, as data: which attributes and calls of
// `flask.request` give every key the caller sends, and which give the raw body.
import { ANY } from '../../dataflow/keyset.js';
import { ofKind, taints, type Fact } from '../../dataflow/facts.js';
import type { LibraryModel, SiteContext } from '../../dataflow/library.js';
import type { Span } from '../../python/ir.js';
import { externalPaths } from '../access.js';
import { matchesAtSomeLineStart } from '../../python/line-starts.js';

/** Access paths whose value is a mapping of every key the caller sends. */
const MAPPING_ATTRIBUTES = new Set(['flask.request.json', 'flask.request.form', 'flask.request.values', 'flask.request.args', 'flask.request.files']);
const MAPPING_CALLS = new Set(['flask.request.get_json']);
/** Access paths whose value is the raw request body (a mapping once `json.loads` reads it). */
const BODY_ATTRIBUTES = new Set(['flask.request.data']);
const BODY_CALLS = new Set(['flask.request.get_data']);
const JSON_PARSERS = new Set(['json.loads', 'flask.json.loads', 'simplejson.loads', 'orjson.loads', 'ujson.loads']);
const BODY_FIELD = '<request body>';
/** The last names of those attributes: any other attribute is none of them, and most are not. */
const SOURCE_ATTRIBUTE_NAMES = new Set(
  [...MAPPING_ATTRIBUTES, ...BODY_ATTRIBUTES].map((p) => p.slice(p.lastIndexOf('.') + 1)),
);

/**
 * Text that marks a module as Flask entry code (it reads the request, declares routes, or wires
 * blueprints and hooks): the scan lowers these and the modules they import, and only parses the rest.
 * Linear in the text: what is anchored at a line start is tried only at the lines that hold its keyword, and
 * skips only the blanks of that line (`\s*` there would rescan every run of blank lines from each of its lines; a
 * 400 KB file of newlines took 105 s).
 */
const FLASK_ENTRY_TEXT = /\b(?:from\s+flask(?:\.globals)?\s+import\s+(?:\([^)]*|[^\n]*)\brequest\b|flask\.request\b|reqparse\b|add_url_rule\(|add_resource\(|register_blueprint\(|before_(?:app_)?request\b)/;
/** `import flask` or `import os, flask as f`, at a line start. */
const IMPORT_FLASK = /[ \t]*import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*flask\b(?!\.)/y;
/** A route decorator at a line start: `@bp.route(`, `@app.post(`. */
const ROUTE_DECORATOR = /[^\S\n\r\u2028\u2029]*@[\w.]+\.(?:route|get|post|put|patch|delete)\(/y;

/**
 * Like Semgrep's prefilter, whether a file holds Flask entry code: its text, its marks at line starts, and the last
 * names of the user's extra sources (`payload` of `app.util.payload`).
 */
export function entryCodeTest(extraSources: readonly string[]): (source: string) => boolean {
  const names = lastNames(extraSources);
  const text = names.length === 0 ? FLASK_ENTRY_TEXT : new RegExp(`${FLASK_ENTRY_TEXT.source}|\\b(${names.join('|')})\\b`);
  return (source) => text.test(source) || matchesAtSomeLineStart(source, 'import', IMPORT_FLASK) || matchesAtSomeLineStart(source, '@', ROUTE_DECORATOR);
}

/** Text of a function that may read request data: where the analysis starts. */
export function requestReadPattern(extraSources: readonly string[]): RegExp {
  return new RegExp(`\\b(${['request', 'parse_args', 'reqparse', ...lastNames(extraSources)].join('|')})\\b`);
}

function lastNames(qualifiedNames: readonly string[]): string[] {
  return qualifiedNames.map((q) => q.slice(q.lastIndexOf('.') + 1).replace(/\W/g, '')).filter(Boolean);
}

const NO_RETURN = new Set(['flask.abort', 'werkzeug.exceptions.abort', 'flask_restful.abort']);

export function flaskRequestModel(extraSources: readonly string[] = []): LibraryModel {
  const mappingCalls = new Set([...MAPPING_CALLS, ...extraSources]);
  return {
    name: 'flask.request',
    attribute(base, name, site) {
      if (!SOURCE_ATTRIBUTE_NAMES.has(name)) return undefined;
      const paths = externalPaths(base).map((p) => `${normalise(p)}.${name}`);
      if (paths.some((p) => MAPPING_ATTRIBUTES.has(p))) return [mapping(site, site.expr)];
      if (paths.some((p) => BODY_ATTRIBUTES.has(p))) return [body(site, site.expr)];
      return undefined;
    },
    call(site) {
      const outside = externalPaths(site.callee);
      const paths = outside.length === 0 ? outside : outside.map(normalise);
      if (paths.some((p) => mappingCalls.has(p))) return [mapping(site, site.expr)];
      if (paths.some((p) => BODY_CALLS.has(p))) return [body(site, site.expr)];
      if (paths.some((p) => JSON_PARSERS.has(p))) {
        const raw = ofKind(site.args[0] ?? [], 'value').filter((f) => f.field === BODY_FIELD);
        if (raw.length > 0) return [mapping(site, site.expr)];
      }
      if (site.method === 'to_dict' && site.receiver) {
        const maps = taints(site.receiver).filter((f) => f.k === 'map');
        if (maps.length > 0) return maps;
      }
      return undefined;
    },
    noReturn(callee) {
      return externalPaths(callee).some((p) => NO_RETURN.has(p));
    },
  };
}

/** Project code may reach the request through `flask.globals.request` or a werkzeug LocalProxy import. */
function normalise(path: string): string {
  return path.replace(/^flask\.globals\./, 'flask.');
}

function mapping(site: SiteContext, node: Span): Fact {
  return { k: 'map', origin: { source: site.text(node) }, keys: ANY, trace: [site.step(node)] };
}

function body(site: SiteContext, node: Span): Fact {
  return { k: 'value', origin: { source: site.text(node) }, field: BODY_FIELD, trace: [site.step(node)], check: 'none' };
}

