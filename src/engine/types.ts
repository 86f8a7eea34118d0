/** The scenario file format (docs/scenario-format.md is the contract; suites/schema/scenario-file.schema.json checks it). */
import type { Format } from '../fhir/index.js';
import type { JwtVariant } from '../spine/jwt.js';

export type Level = 'MUST' | 'SHALL' | 'SHOULD' | 'MAY';

export interface PatchOp {
  /** set: replace or create the value at path; remove: delete it; append: add to the array at path. */
  op: 'set' | 'remove' | 'append';
  /** JSON Pointer into the resource's JSON form, e.g. /purpose/0/system */
  path: string;
  value?: unknown;
}

export interface RequestSpec {
  method: string;
  path: string;
  fixture?: string;
  patches?: PatchOp[];
  /** Sent verbatim (after templating) instead of a fixture: for unparseable bodies. */
  body?: string;
  headers?: Record<string, string | null>;
  /** Format of this request's body and Accept (default: the scenario run's format). */
  format?: Format;
  /** Explicit Accept header; null sends none. */
  accept?: string | null;
  /** Explicit Content-Type header; null sends none. */
  contentType?: string | null;
  /** Adds _format=<value> to the query. */
  formatParam?: string;
  /** Varies this request's audit JWT: omit it, send a malformed or an expired one, or set/remove claims (null removes). */
  jwt?: JwtVariant;
}

export interface CaptureSpec {
  name: string;
  from: 'location' | 'header' | 'fhirpath';
  header?: string;
  expression?: string;
  /** How much a missing value counts: MUST (a failure, the default) or SHOULD/MAY (a warning). */
  level?: Level;
}

export interface Leveled {
  level?: Level;
}

export interface HeaderExpectation extends Leveled {
  name: string;
  present?: boolean;
  equals?: string;
  matches?: string;
}

export interface FhirPathExpectation extends Leveled {
  expression: string;
  description?: string;
}

export interface StatusExpectation extends Leveled {
  in: number[];
}

export interface OperationOutcomeExpectation extends Leveled {
  severity?: string;
  code?: string;
  details?: string;
}

export interface BundleExpectation extends Leveled {
  type?: string;
  total?: number | string;
  totalMatchesEntries?: boolean;
  fullUrlMatchesId?: boolean;
  searchMode?: string;
}

export interface ProfileExpectation extends Leveled {
  profile: string;
}

export interface ValueExpectation extends Leveled {
  value: string;
}

export interface Expectations {
  status?: number | number[] | StatusExpectation;
  /** For parallel steps: exact number of responses per status, e.g. {"201": 1}. */
  statusCount?: Record<string, number>;
  headers?: HeaderExpectation[];
  resourceType?: string | ValueExpectation;
  profile?: string | ProfileExpectation;
  /** The response body's format (by its Content-Type): xml or json. */
  responseFormat?: string | ValueExpectation;
  fhirpath?: (string | FhirPathExpectation)[];
  operationOutcome?: OperationOutcomeExpectation;
  bundle?: BundleExpectation;
  /** Response body must be empty. */
  emptyBody?: boolean;
}

export interface Step {
  name: string;
  request: RequestSpec;
  /** Send this many identical requests at once. */
  parallel?: number;
  capture?: CaptureSpec[];
  expect?: Expectations;
}

export interface Scenario {
  id: string;
  title: string;
  requirements: string[];
  tags?: string[];
  formats?: Format[];
  steps: Step[];
}

export interface ScenarioFile {
  /** Repo-relative path, used in every message about the file. */
  file: string;
  description?: string;
  /** The file's scenarios run only when the run names the suite (--opt-in <name>); docs/scenario-format.md. */
  optIn?: boolean;
  scenarios: Scenario[];
}
