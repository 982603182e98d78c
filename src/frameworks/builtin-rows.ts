// Every package's rows in one list: what the rows model knows before a user adds their own.
import { flaskRestxRows } from './flask-restx.js';
import { mongoengineRows } from './mongoengine.js';
import { peeweeRows } from './peewee.js';
import { pymongoRows } from './pymongo.js';
import { sqlalchemyCoreRows } from './sqlalchemy-core.js';
import type { ModelRow } from './rows.js';

export const builtinRows: readonly ModelRow[] = [...peeweeRows, ...mongoengineRows, ...pymongoRows, ...flaskRestxRows, ...sqlalchemyCoreRows];
