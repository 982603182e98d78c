// peewee (and playhouse): a model class's create/insert/update/replace take the caller's keys, as rows.
import { packageRows, type ModelRow } from './rows.js';

const BASES = ['peewee.Model', 'playhouse.flask_utils.FlaskDB().Model', 'playhouse.signals.Model'];

export const peeweeRows: ModelRow[] = packageRows('peewee', [
  ...BASES.flatMap((on): ModelRow[] => [
    { kind: 'sink', on, method: '__init__|create|get_or_create|replace', keys: 'kwargs', sink: 'constructor' },
    { kind: 'sink', on, method: 'insert|replace|update', keys: 'arg0', sink: 'query-update' },
    { kind: 'sink', on, method: 'update|insert', keys: 'kwargs', sink: 'query-update' },
    { kind: 'sink', on, method: 'insert_many', keys: 'arg0', sink: 'query-update' },
    { kind: 'type', on, method: 'get|get_by_id|get_or_none', returns: 'instance' },
  ]),
  { kind: 'sink', path: 'playhouse.shortcuts.dict_to_model', keys: 'arg1', target: 'arg0', sink: 'constructor' },
  { kind: 'sink', path: 'playhouse.shortcuts.update_model_from_dict', keys: 'arg1', target: 'arg0', sink: 'setattr' },
]);
