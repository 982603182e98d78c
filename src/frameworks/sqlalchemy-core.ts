// SQLAlchemy Core upserts, as rows on the write statements the SQLAlchemy model types (`insert(M)`,
// `update(M)`): PostgreSQL/SQLite `on_conflict_do_update(set_=data)` and MySQL `on_duplicate_key_update(data)`.
import { packageRows, type ModelRow } from './rows.js';

const STATEMENT = 'tag:sqlalchemy.write-statement';

export const sqlalchemyCoreRows: ModelRow[] = packageRows('sqlalchemy', [
  { kind: 'sink', on: STATEMENT, method: 'on_conflict_do_update', keys: 'kw.set_', sink: 'query-update' },
  { kind: 'sink', on: STATEMENT, method: 'on_duplicate_key_update', keys: 'arg0', sink: 'query-update' },
  { kind: 'sink', on: STATEMENT, method: 'on_duplicate_key_update', keys: 'kwargs', sink: 'query-update' },
]);
