/**
 * fast-check generator of STU3 Consents in FHIR JSON form: optional elements present or absent,
 * arbitrary extensions and choice types, primitive extensions (_status, _profile), a contained
 * resource, a narrative, and strings full of characters that need escaping in XML.
 */
import fc from 'fast-check';

type Json = Record<string, unknown>;

export interface ConsentOptions {
  /**
   * Leave out what FHIR.js gets wrong (shown in differential.test.ts), for comparing with it:
   * a tab in a value, an escaped entity such as "&amp;amp;" or whitespace-only text in the
   * narrative, and items of a repeating primitive that have extensions but no value.
   */
  avoidFhirJsFaults: boolean;
}

const ESCAPED_REFERENCE = /&[#A-Za-z]/;

function isXmlText(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const ok = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    if (!ok) return false;
  }
  return true;
}

function text(options: ConsentOptions): fc.Arbitrary<string> {
  const special = ['&', '<', '>', '"', "'", '\n', '\r', ' ', 'é', '😀', '中文', '\u00a0', '&amp;', ']]>', ...(options.avoidFhirJsFaults ? [] : ['\t'])];
  const char = fc.oneof(fc.constantFrom(...special), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
  return fc
    .array(char, { minLength: 1, maxLength: 12 })
    .map((chars) => chars.join(''))
    .filter((s) => isXmlText(s) && !(options.avoidFhirJsFaults && s.includes('\t')));
}

const id = fc.stringMatching(/^[A-Za-z0-9\-.]{1,20}$/);
const uri = fc.webUrl();
const code = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);

const dateTime = fc
  .record({
    date: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
    precision: fc.constantFrom('year', 'day', 'seconds', 'millis'),
  })
  .map(({ date, precision }) => {
    const iso = date.toISOString();
    if (precision === 'year') return iso.slice(0, 4);
    if (precision === 'day') return iso.slice(0, 10);
    if (precision === 'seconds') return `${iso.slice(0, 19)}+00:00`;
    return iso;
  });

/** Optional properties: each key is present or absent independently. */
function optional(entries: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Json> {
  return fc.record(entries, { requiredKeys: [] }) as fc.Arbitrary<Json>;
}

export function consentArbitrary(options: ConsentOptions = { avoidFhirJsFaults: false }): fc.Arbitrary<Json> {
  const str = text(options);
  const coding = optional({ system: uri, code, display: str }).filter((c) => Object.keys(c).length > 0);
  const codeableConcept = optional({ coding: fc.array(coding, { minLength: 1, maxLength: 2 }), text: str }).filter((c) => Object.keys(c).length > 0);
  const reference = fc.record({ reference: fc.oneof(uri, id.map((i) => `Patient/${i}`)) }).chain((r) => optional({ display: str }).map((o) => ({ ...r, ...o })));
  const simpleExtension = fc.record({ url: uri }).chain(({ url }) =>
    fc
      .oneof(
        str.map((v) => ({ valueString: v })),
        codeableConcept.map((v) => ({ valueCodeableConcept: v })),
        fc.boolean().map((v) => ({ valueBoolean: v })),
        fc.integer({ min: -1000, max: 1000 }).map((v) => ({ valueInteger: v })),
        reference.map((v) => ({ valueReference: v })),
        dateTime.map((v) => ({ valueDateTime: v })),
      )
      .map((value) => ({ url, ...value })),
  );
  // A complex extension (like Extension-NDOP-Proxy-1) nests extensions instead of a value.
  const extension = fc.oneof(
    { weight: 3, arbitrary: simpleExtension },
    { weight: 1, arbitrary: fc.record({ url: uri, extension: fc.array(simpleExtension, { minLength: 1, maxLength: 2 }) }) },
  );
  const elementExtras = optional({ id, extension: fc.array(extension, { minLength: 1, maxLength: 2 }) }).filter((e) => Object.keys(e).length > 0);
  // XML reads a CR in markup as LF, so the JSON div is kept in that form (see equivalence-cases.json).
  const narrative = str.filter((s) => !s.includes('\r') && !(options.avoidFhirJsFaults && (ESCAPED_REFERENCE.test(s) || s.trim() === ''))).map((s) => ({
    status: 'generated',
    div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p></div>`,
  }));
  const profiles = fc.array(fc.option(elementExtras, { nil: null }), { minLength: 1, maxLength: 3 }).chain((extras) =>
    fc.tuple(...extras.map((e) => (e === null || options.avoidFhirJsFaults ? uri : fc.option(uri, { nil: null })))).map((values) => {
      const profile = values as (string | null)[];
      const out: Json = {};
      if (profile.some((p) => p !== null)) out.profile = profile;
      if (extras.some((e) => e !== null)) out._profile = extras;
      return out;
    }),
  );
  const meta = fc.tuple(optional({ versionId: id, lastUpdated: dateTime.filter((d) => d.length > 10) }), profiles).map(([a, b]) => ({ ...a, ...b }));
  const contained = fc.record({ resourceType: fc.constant('Patient'), id }).chain((p) => optional({ active: fc.boolean(), gender: fc.constantFrom('male', 'female', 'other', 'unknown') }).map((o) => ({ ...p, ...o })));

  return fc
    .record({
      resourceType: fc.constant('Consent'),
      status: fc.constantFrom('draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error'),
      patient: reference,
    })
    .chain((base) =>
      optional({
        id,
        meta: meta.filter((m) => Object.keys(m).length > 0),
        text: narrative,
        contained: fc.array(contained, { minLength: 1, maxLength: 2 }),
        extension: fc.array(extension, { minLength: 1, maxLength: 3 }),
        _status: elementExtras,
        dateTime,
        consentingParty: fc.array(reference, { minLength: 1, maxLength: 2 }),
        organization: fc.array(reference, { minLength: 1, maxLength: 2 }),
        policy: fc.array(optional({ authority: uri, uri }).filter((p) => Object.keys(p).length > 0), { minLength: 1, maxLength: 2 }),
        policyRule: uri,
        purpose: fc.array(coding, { minLength: 1, maxLength: 2 }),
        period: optional({ start: dateTime, end: dateTime }).filter((p) => Object.keys(p).length > 0),
        category: fc.array(codeableConcept, { minLength: 1, maxLength: 2 }),
      }).map((extra) => ({ ...base, ...extra })),
    );
}
