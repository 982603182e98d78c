// A sink hit: the analysis's raw fact that caller-chosen keys (or a caller-chosen privilege value)
// reach a write, before a rule claims it and it becomes a Finding.
import type { Endpoint, Location, ModelInfo, TraceStep } from '../result.js';
import type { KeySet } from '../dataflow/keyset.js';

export type SinkKind =
  | 'setattr' // setattr(obj, k, v) with a caller-chosen k
  | 'constructor' // Model(**data), Model.create(**data)
  | 'dict-update' // obj.__dict__.update(data), vars(obj).update(data)
  | 'query-update' // query.update(data), update(M).values(**data), insert(M).values(data)
  | 'schema-load' // marshmallow load(data, instance=obj) / load_instance auto-schema
  | 'privilege-value'; // a caller-chosen value written into a scope/role/permission field

/** The library whose declared fields bounded the keys, when one did. */
export type KeyBound = 'marshmallow' | 'pydantic' | 'reqparse';

export interface SinkHit {
  kind: SinkKind;
  bound?: KeyBound;
  location: Location;
  /** Qualified name of the function holding the sink. */
  functionName: string;
  /** Source text of the sink call, e.g. `setattr(config, key, value)`. */
  sinkText: string;
  /** Source text of the object written, e.g. `config`. */
  targetText: string;
  model: ModelInfo | null;
  /** The model was not resolved but assumed by class-hierarchy analysis (a method called on an object of unknown class). */
  modelAssumed?: boolean;
  keys: KeySet;
  /** Fields the server sets after the write on every path: not the caller's to choose. */
  overwritten?: string[];
  /** For privilege-value hits: the field written (`scope`). */
  field?: string;
  /** For privilege-value hits: the value was checked against a server-side allowlist, but not against the caller's own grants. */
  allowlistedOnly?: boolean;
  trace: TraceStep[];
  endpoint: Endpoint | null;
  /** Further places that take part: the shared helper's write, when the hit sits at a route's call of it. */
  related?: TraceStep[];
}
