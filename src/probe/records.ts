// Reading JSON answers: the object a response is about (top level, wrapped, or in a list by id), and its id.
import { sameValue } from './values.js';

export type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The list of objects a collection answer holds: the body itself, or its one array-valued property. */
export function listOf(body: unknown): JsonObject[] | undefined {
  if (Array.isArray(body)) return body.filter(isObject);
  if (!isObject(body)) return undefined;
  const arrays = Object.values(body).filter(Array.isArray);
  return arrays.length === 1 ? arrays[0].filter(isObject) : undefined;
}

/** The object an answer is about: the body, the one object it wraps (`{"config": {...}}`), or the list item with `id`. */
export function recordOf(body: unknown, id?: unknown): JsonObject | undefined {
  if (Array.isArray(body)) return findById(listOf(body) ?? [], id);
  if (!isObject(body)) return undefined;
  const values = Object.values(body);
  if (values.length === 1 && isObject(values[0])) return recordOf(values[0], id);
  const list = idOf(body) === undefined ? listOf(body) : undefined;
  if (list?.some((item) => idOf(item) !== undefined)) return findById(list, id);
  return id === undefined || sameValue(idOf(body), id) ? body : undefined;
}

function findById(list: JsonObject[], id: unknown): JsonObject | undefined {
  return id === undefined ? undefined : list.find((item) => sameValue(idOf(item), id));
}

export function idOf(record: JsonObject | undefined): unknown {
  if (!record) return undefined;
  const key = Object.keys(record).find((k) => k === 'id' || k === 'uuid' || k === '_id');
  return key === undefined ? undefined : record[key];
}
