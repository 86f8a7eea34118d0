/**
 * `fhirSliceRoute`: sends each item of a sliced extension array to the schema of its slice, by url.
 *
 * It does what a chain of `if: {required: [url], properties: {url: {const}}}` / `then` / `else`
 * did, with one comparison per slice and no by-products: ajv's `if` built and dropped an error for
 * every slice an item did not match, and wrapped each failing `then` in an `if` error of its own
 * (which the issue mapper ignores, so the issues do not change). As with `if`, an item that is not
 * an object goes to the first slice, since `required` and `properties` pass on anything else.
 *
 * Schema: `fhirSliceRoute` lists one schema per slice and, last, the schema of items no slice
 * takes; `fhirSliceUrls` lists the slices' urls in the same order.
 */
import { _ } from 'ajv/dist/compile/codegen/index.js';
import type { Ajv } from 'ajv';
import type { KeywordCxt } from 'ajv';

export function addSliceRouteKeyword(ajv: Ajv): void {
  ajv.addVocabulary(['fhirSliceUrls']);
  ajv.addKeyword({
    keyword: 'fhirSliceRoute',
    schemaType: 'array',
    code(cxt: KeywordCxt) {
      const { gen, data } = cxt;
      const urls = (cxt.parentSchema as { fhirSliceUrls?: string[] }).fhirSliceUrls ?? [];
      const branches = cxt.schema as unknown[];
      if (branches.length !== urls.length + 1) throw new Error('fhirSliceRoute: one schema per slice url and one for the rest');
      const valid = gen.name('valid');
      const branch = (i: number): void => void cxt.subschema({ keyword: 'fhirSliceRoute', schemaProp: i }, valid);
      if (urls.length === 0) {
        branch(0);
        return;
      }
      gen.if(_`!(${data} && typeof ${data} == "object" && !Array.isArray(${data})) || ${data}.url === ${urls[0]!}`);
      branch(0);
      for (let i = 1; i < urls.length; i++) {
        gen.elseIf(_`${data}.url === ${urls[i]!}`);
        branch(i);
      }
      gen.else();
      branch(urls.length);
      gen.endIf();
    },
  });
}
