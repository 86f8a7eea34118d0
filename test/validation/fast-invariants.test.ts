/**
 * The validator replaces some FHIRPath invariants by fast forms (src/validation/invariants.ts).
 * Each must agree with fhirpath's evaluation of the original expression, on holding and
 * failing cases alike (fast-invariant-cases.yaml).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { elementDef, typeDef } from '../../src/fhir/model/index.js';
import { FAST_FORMS, GUARDS, InvariantCompiler, resultHolds } from '../../src/validation/invariants.js';

type Node = Record<string, unknown>;
interface Sample {
  base: string;
  node: Node;
  resource?: Node;
}
const cases: { exact: Record<string, Sample[]>; guarded: Record<string, Sample[]> } = parse(
  readFileSync(new URL('fast-invariant-cases.yaml', import.meta.url), 'utf8'),
);
const compiler = new InvariantCompiler();

/** What fhirpath says about the original expression (as HL7 published it in the STU3 model). */
function fhirpathHolds(expression: string, sample: Sample): boolean {
  const evaluate = compiler.compile(sample.base, expression);
  return resultHolds(evaluate(structuredClone(sample.node), structuredClone(sample.resource ?? sample.node)));
}

/** The expression STU3 gives the key on the sample's base type (so fast forms track the model). */
function modelExpression(key: string, base: string): string | undefined {
  const root = typeDef(base)?.elements[0] ?? elementDef(base);
  return root?.constraints?.find((c) => c.key === key)?.expression;
}

describe('exact fast forms agree with fhirpath', () => {
  for (const [key, samples] of Object.entries(cases.exact)) {
    const fast = FAST_FORMS[key]!;
    it(`${key}: the fast form was proven against the model's expression`, () => {
      expect(fast).toBeDefined();
      expect(modelExpression(key, samples[0]!.base)).toBe(fast.expression);
    });
    it(`${key}: the cases cover both outcomes`, () => {
      const outcomes = new Set(samples.map((s) => fhirpathHolds(fast.expression, s)));
      expect([...outcomes].sort()).toEqual([false, true]);
    });
    for (const sample of samples) {
      it(`${key} on ${sample.base} ${JSON.stringify(sample.node)}`, () => {
        expect(fast.holds(structuredClone(sample.node), structuredClone(sample.resource ?? sample.node))).toBe(fhirpathHolds(fast.expression, sample));
      });
    }
  }
  it('every fast form has cases', () => {
    expect(Object.keys(cases.exact).sort()).toEqual(Object.keys(FAST_FORMS).sort());
  });
});

describe('guards never skip an invariant that fails', () => {
  for (const [key, samples] of Object.entries(cases.guarded)) {
    const guard = GUARDS[key]!;
    it(`${key}: the guard was proven against the model's expression, and the cases cover both outcomes`, () => {
      expect(modelExpression(key, samples[0]!.base)).toBe(guard.expression);
      const outcomes = new Set(samples.map((s) => fhirpathHolds(guard.expression, s)));
      expect([...outcomes].sort()).toEqual([false, true]);
    });
    for (const sample of samples) {
      it(`${key} on ${JSON.stringify(sample.node)}`, () => {
        const holds = fhirpathHolds(guard.expression, sample);
        if (!guard.mayFail(sample.node)) expect(holds).toBe(true);
        if (!holds) expect(guard.mayFail(sample.node)).toBe(true);
      });
    }
  }
  it('every guard has cases', () => {
    expect(Object.keys(cases.guarded).sort()).toEqual(Object.keys(GUARDS).sort());
  });
});
