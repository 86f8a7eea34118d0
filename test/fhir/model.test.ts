/** The committed model is exactly what the generator renders from HL7's definitions: it cannot drift. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderModel } from '../../scripts/generate-model.js';

describe('generated STU3 model', () => {
  it('equals renderModel() of the official definitions', () => {
    const committed = readFileSync(new URL('../../src/fhir/model/stu3-model.json', import.meta.url), 'utf8');
    const rendered = renderModel();
    expect(rendered.length).toBe(committed.length);
    expect(rendered === committed).toBe(true);
  });
});
