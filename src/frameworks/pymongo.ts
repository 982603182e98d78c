// pymongo (and flask-pymongo): a collection written with the caller's document or `$set` mapping, as rows.
// The collection is the target; no model class stands behind it.
import type { ModelRow } from './rows.js';

const CLIENTS = ['pymongo.MongoClient()', 'flask_pymongo.PyMongo()'];

export const pymongoRows: ModelRow[] = CLIENTS.flatMap((client): ModelRow[] => [
  ...['insert_one', 'insert_many'].map((m): ModelRow => ({ kind: 'sink', path: `${client}**.${m}`, keys: 'arg0' })),
  ...['update_one', 'update_many', 'find_one_and_update'].flatMap((m): ModelRow[] => [
    { kind: 'sink', path: `${client}**.${m}`, keys: 'arg1.$set' },
    { kind: 'sink', path: `${client}**.${m}`, keys: 'arg1.$setOnInsert' },
  ]),
  ...['replace_one', 'find_one_and_replace'].map((m): ModelRow => ({ kind: 'sink', path: `${client}**.${m}`, keys: 'arg1' })),
]).map((row) => ({ ...row, sink: 'query-update' as const, package: 'pymongo' }));
