/** Spine headers and interactions: a fresh Ssp-TraceID per request, interaction ids from the guide or configuration. */
import { describe, expect, it } from 'vitest';
import { spineHeaders } from '../../src/spine/headers.js';
import { DEFAULT_INTERACTION_IDS, interactionOf } from '../../src/spine/interactions.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('interactionOf', () => {
  it.each([
    ['GET', '/metadata', 'metadata'],
    ['GET', '/Consent?patient=x', 'search-type'],
    ['POST', '/Consent', 'create'],
    ['PUT', '/Consent/abc', 'update'],
    ['GET', '/Consent/abc/_history/1', 'vread'],
    ['GET', '/Consent/abc/_history', 'history-instance'],
    ['GET', '/Consent/_history?patient=x', 'history-type'],
    ['POST', '/Consent/abc', 'create'],
    ['DELETE', '/Consent/abc', 'update'],
    ['GET', '/Patient', 'search-type'],
  ] as const)('%s %s is %s', (method, path, interaction) => {
    expect(interactionOf(method, path)).toBe(interaction);
  });
});

describe('spineHeaders', () => {
  it('sends the guide’s metadata interaction id, the consumer ASID and a fresh UUID trace id each time', () => {
    const a = spineHeaders('metadata', { interactionIds: {}, headers: {} });
    const b = spineHeaders('metadata', { interactionIds: {}, headers: {} });
    expect(a['ssp-interactionid']).toBe('urn:nhs:names:services:nationaldataoptout:fhir:rest:read:metadata');
    expect(a['ssp-from']).toBe('200000000205');
    expect(a).not.toHaveProperty('ssp-to');
    expect(a['ssp-traceid']).toMatch(UUID);
    expect(b['ssp-traceid']).toMatch(UUID);
    expect(a['ssp-traceid']).not.toBe(b['ssp-traceid']);
  });

  it('takes the configured ASIDs, interaction ids and further headers', () => {
    const headers = spineHeaders('create', {
      from: '918999198738',
      to: '928942012545',
      interactionIds: { create: 'urn:example:create' },
      headers: { 'X-Gateway-Key': 'k' },
    });
    expect(headers).toMatchObject({ 'ssp-from': '918999198738', 'ssp-to': '928942012545', 'ssp-interactionid': 'urn:example:create', 'x-gateway-key': 'k' });
    expect(spineHeaders('update', { interactionIds: { create: 'urn:example:create' }, headers: {} })['ssp-interactionid']).toBe(DEFAULT_INTERACTION_IDS.update);
  });
});
