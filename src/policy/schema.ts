// JSON Schema validation for config and baseline files, with ajv loaded only when a file needs checking.
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

export function compileSchema<T>(schema: object, options: { verbose?: boolean } = {}): ValidateFunction<T> {
  const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
  return new Ajv({ allErrors: false, ...options }).compile<T>(schema);
}
