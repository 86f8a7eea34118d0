/**
 * `fhirProperties`: the properties of an object schema, checked from the object's own keys.
 *
 * ajv's `required`, `additionalProperties`, `dependencies` and `properties` load every property the
 * schema knows (`data.period !== undefined`: about 50 for a Consent) whether present or not, and
 * resources of different shapes (each set of present elements is its own V8 hidden class) make all
 * those loads megamorphic. This keyword reads the object's keys once into presence bits, then runs
 * the same four checks from the bits, in ajv's order and with ajv's error objects, so that issues
 * and their order stay exactly as they were: required (schema order), unknown properties (key
 * order), dependencies and properties (schema order). Sub-elements hold few possible properties,
 * where ajv's own code is faster, so the schema builder uses it for resource roots only.
 *
 * Schema: `fhirProperties` holds what `properties` would, `fhirRequired` and `fhirDependencies`
 * what `required` and `dependencies` would; properties not listed are always refused.
 */
import { _, Name } from 'ajv/dist/compile/codegen/index.js';
import type { Ajv } from 'ajv';
import type { ErrorObject, KeywordCxt } from 'ajv';
import type { Factories, RuntimeValues } from './runtime-values.js';

type Node = Record<string, unknown>;
type SchemaObject = Record<string, unknown>;

// Names in ajv's generated code: its error list, its error count, the instance path argument.
const V_ERRORS = new Name('vErrors');
const ERRORS = new Name('errors');
const INSTANCE_PATH = new Name('instancePath');

/** Fills `bits` (bit i of word i >>> 5: property i is present) and returns the errors of missing required and of unknown properties, as ajv makes them. */
type KeyScan = (data: Node, instancePath: string) => ErrorObject[] | undefined;

function keyScan(schema: SchemaObject, names: string[], required: string[], bits: Int32Array): KeyScan {
  const index = new Map(names.map((name, i) => [name, i]));
  const requiredAt = required.map((name) => index.get(name));
  return (data, instancePath) => {
    for (let w = 0; w < bits.length; w++) bits[w] = 0;
    let unknown: string[] | undefined;
    // Keys usually come in schema (model) order, so a cursor finds most without hashing.
    let cursor = 0;
    for (const key in data) {
      while (cursor < names.length && names[cursor] !== key) cursor++;
      let i: number | undefined;
      if (cursor < names.length) {
        i = cursor++;
      } else {
        i = index.get(key);
        cursor = i === undefined ? 0 : i + 1;
      }
      if (i === undefined) (unknown ??= []).push(key);
      else if (data[key] !== undefined) bits[i >>> 5]! |= 1 << (i & 31);
    }
    let errors: ErrorObject[] | undefined;
    for (let r = 0; r < required.length; r++) {
      const i = requiredAt[r];
      if (i !== undefined && (bits[i >>> 5]! & (1 << (i & 31))) !== 0) continue;
      const missingProperty = required[r]!;
      (errors ??= []).push({
        instancePath,
        schemaPath: '#/required',
        keyword: 'required',
        params: { missingProperty },
        message: `must have required property '${missingProperty}'`,
        schema: required,
        parentSchema: schema,
        data,
      });
    }
    for (const additionalProperty of unknown ?? []) {
      (errors ??= []).push({
        instancePath,
        schemaPath: '#/additionalProperties',
        keyword: 'additionalProperties',
        params: { additionalProperty },
        message: 'must NOT have additional properties',
        schema: false,
        parentSchema: schema,
        data,
      });
    }
    return errors;
  };
}

/** What the generated code of one `fhirProperties` schema shares with its key scan: the scan, and the presence bits it fills. */
interface KeyScanValue {
  scan: KeyScan;
  bits: Int32Array;
}

const KEY_SCAN = 'fhirProperties';

/** The key scan's factory (runtime-values.ts), from the schema holding `fhirProperties`. */
export const propertiesFactories = (): Factories => ({
  [KEY_SCAN]: (schema: SchemaObject): KeyScanValue => {
    const names = Object.keys(schema.fhirProperties as SchemaObject);
    const required = (schema.fhirRequired as string[] | undefined) ?? [];
    const bits = new Int32Array(Math.max(1, Math.ceil(names.length / 32)));
    return { scan: keyScan(schema, names, required, bits), bits };
  },
});

export function addPropertiesKeyword(ajv: Ajv, runtime: RuntimeValues): void {
  ajv.addVocabulary(['fhirRequired', 'fhirDependencies']);
  ajv.addKeyword({
    keyword: 'fhirProperties',
    type: 'object',
    schemaType: 'object',
    code(cxt: KeywordCxt) {
      const { gen, data, it } = cxt;
      const schema = cxt.parentSchema as SchemaObject;
      const properties = cxt.schema as SchemaObject;
      const names = Object.keys(properties);
      const dependencies = Object.keys((schema.fhirDependencies as SchemaObject | undefined) ?? {});
      const { value, code } = runtime.make<KeyScanValue>(KEY_SCAN, schema)!;
      const { bits } = value;
      const scan = gen.scopeValue('keyword', { ref: value.scan, code: _`${code}.scan` });
      const shared = gen.scopeValue('keyword', { ref: bits, code: _`${code}.bits` });
      const found = gen.const('fhirKeyErrors', _`${scan}(${data}, ${INSTANCE_PATH} + ${it.errorPath})`);
      // Copied at once: checking a property can run this same function again (a nested resource).
      const words = Array.from(bits, (_unused, w) => gen.const('fhirBits', _`${shared}[${w}]`));
      gen.if(_`${found} !== undefined`, () => {
        gen.assign(V_ERRORS, _`${V_ERRORS} === null ? ${found} : ${V_ERRORS}.concat(${found})`);
        gen.assign(ERRORS, _`${V_ERRORS}.length`);
      });
      const present = (name: string) => {
        const i = names.indexOf(name);
        if (i < 0) throw new Error(`fhirProperties: ${name} is not a property of the schema`);
        return _`(${words[i >>> 5]!} & ${1 << (i & 31)}) !== 0`;
      };
      const valid = gen.name('valid');
      for (const name of dependencies) gen.if(present(name), () => cxt.subschema({ keyword: 'fhirDependencies', schemaProp: name }, valid));
      for (const name of names) {
        if (properties[name] === true) continue;
        gen.if(present(name), () => cxt.subschema({ keyword: 'fhirProperties', schemaProp: name, dataProp: name }, valid));
      }
    },
  });
}
