// What an OpenAPI 3.x or Swagger 2 document (JSON or YAML) tells the probe: write endpoints, their readOnly and
// response-only properties (candidates), the body fields they require, and the GET and DELETE routes.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../cli/usage-error.js';
import { canonicalRoute, isWrite } from './routes.js';

type Json = Record<string, unknown>;

export interface OpenApiWrite {
  method: string;
  route: string;
  candidates: string[];
  /** A body holding only the required properties, with example values: the control request. */
  required: Json;
  /** The request body's properties: all a control may send. */
  accepts: string[];
}

export interface OpenApiFacts {
  writes: OpenApiWrite[];
  reads: string[];
  deletes: string[];
}

export function readOpenApi(file: string): OpenApiFacts {
  let doc: Json;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 1000 }) as Json;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code?.startsWith('E') && !(error instanceof Error && error.name.startsWith('YAML')) ? code : 'neither JSON nor YAML';
    throw new UsageError(`cannot read OpenAPI document ${file}: ${why}`);
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.paths !== 'object' || doc.paths === null) throw new UsageError(`${file} has no "paths": not an OpenAPI document`);
  const resolve = (node: unknown, depth = 0): Json => {
    const value = (node ?? {}) as Json;
    if (typeof value.$ref !== 'string' || depth > 20) return value;
    const target = value.$ref.replace(/^#\//, '').split('/').reduce<unknown>((at, part) => (at as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    return resolve(target, depth + 1);
  };
  const facts: OpenApiFacts = { writes: [], reads: [], deletes: [] };
  const prefix = basePath(doc);
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    // Only paths on the target: an absolute URL (or `//host`) here is never turned into a request.
    if (!path.startsWith('/') || path.startsWith('//')) continue;
    const route = canonicalRoute(`${prefix}${path}`);
    for (const [method, operation] of Object.entries(resolve(item))) {
      const op = resolve(operation);
      const verb = method.toUpperCase();
      if (verb === 'GET') facts.reads.push(route);
      if (verb === 'DELETE') facts.deletes.push(route);
      if (!isWrite(verb)) continue;
      const request = properties(requestSchema(op, resolve), resolve);
      const response = properties(responseSchema(op, resolve), resolve);
      const readOnly = [...request.props, ...response.props].filter(([, s]) => s.readOnly === true).map(([n]) => n);
      const requestNames = new Set(request.props.map(([n]) => n));
      const responseOnly = response.props.map(([n]) => n).filter((n) => !requestNames.has(n));
      const required = Object.fromEntries(request.props.filter(([n, s]) => request.required.has(n) && s.readOnly !== true).map(([n, s]) => [n, exampleOf(s)]));
      const accepts = request.props.filter(([, s]) => s.readOnly !== true).map(([n]) => n);
      facts.writes.push({ method: verb, route, candidates: [...new Set([...readOnly, ...responseOnly])], required, accepts });
    }
  }
  return facts;
}

function basePath(doc: Json): string {
  if (typeof doc.basePath === 'string') return doc.basePath.replace(/\/$/, '');
  const server = (doc.servers as Json[] | undefined)?.[0]?.url;
  if (typeof server !== 'string') return '';
  try {
    return new URL(server, 'http://placeholder').pathname.replace(/\/$/, '');
  } catch {
    return '';
  }
}

function jsonContent(content: unknown): unknown {
  const map = (content ?? {}) as Json;
  const key = Object.keys(map).find((k) => k.includes('json'));
  return key ? (map[key] as Json).schema : undefined;
}

function requestSchema(op: Json, resolve: (n: unknown) => Json): unknown {
  if (op.requestBody) return jsonContent(resolve(op.requestBody).content);
  const body = ((op.parameters as unknown[]) ?? []).map((p) => resolve(p)).find((p) => p.in === 'body');
  return body?.schema;
}

function responseSchema(op: Json, resolve: (n: unknown) => Json): unknown {
  const responses = (op.responses ?? {}) as Json;
  const code = ['200', '201', '202', 'default'].find((c) => c in responses);
  if (!code) return undefined;
  const response = resolve(responses[code]);
  return response.content ? jsonContent(response.content) : response.schema;
}

function properties(node: unknown, resolve: (n: unknown) => Json): { props: [string, Json][]; required: Set<string> } {
  let schema = resolve(node);
  if (schema.type === 'array' && schema.items) schema = resolve(schema.items);
  const parts = [schema, ...((schema.allOf as unknown[]) ?? []).map((s) => resolve(s))];
  const props = parts.flatMap((part) => Object.entries((part.properties ?? {}) as Json).map(([n, s]): [string, Json] => [n, resolve(s)]));
  const required = new Set(parts.flatMap((part) => (part.required as string[]) ?? []));
  return { props, required };
}

function exampleOf(schema: Json): unknown {
  if (schema.example !== undefined) return schema.example;
  const examples = schema.examples;
  if (Array.isArray(examples) && examples.length > 0) return examples[0];
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.format) {
    case 'date':
      return '2000-01-01';
    case 'date-time':
      return '2000-01-01T00:00:00Z';
    case 'email':
      return 'probe@example.com';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
  }
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'massassign-probe';
  }
}
