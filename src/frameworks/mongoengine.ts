// mongoengine (and flask-mongoengine): documents built or updated from the caller's keys, and the
// queryset `Doc.objects` whose update writes them onto every matched document, as rows.
import { packageRows, type ModelRow } from './rows.js';

const BASES = ['mongoengine.Document', 'mongoengine.DynamicDocument', 'mongoengine.document.Document',
  'flask_mongoengine.MongoEngine().Document', 'flask_mongoengine.MongoEngine().DynamicDocument'];
const QUERYSET = 'mongoengine.QuerySet';

export const mongoengineRows: ModelRow[] = packageRows('mongoengine', [
  ...BASES.flatMap((on): ModelRow[] => [
    { kind: 'sink', on, method: '__init__', keys: 'kwargs', sink: 'constructor' },
    { kind: 'sink', on: `${on}()`, method: 'update|modify', keys: 'kwargs', sink: 'constructor' },
    { kind: 'type', on, attribute: 'objects', returns: QUERYSET },
  ]),
  { kind: 'type', on: QUERYSET, method: '__call__|filter|exclude|order_by|only|limit|skip|no_dereference', returns: QUERYSET },
  { kind: 'type', on: QUERYSET, method: 'get|first|get_or_404|first_or_404', returns: 'instance' },
  { kind: 'sink', on: QUERYSET, method: 'update|update_one|modify|upsert_one', keys: 'kwargs', sink: 'query-update' },
  { kind: 'sink', on: QUERYSET, method: 'create', keys: 'kwargs', sink: 'constructor' },
]);
