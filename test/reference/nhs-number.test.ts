import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { completeNhsNumber, isValidNhsNumber, nhsCheckDigit } from '../../src/fhir/nhs-number.js';

describe('NHS number Modulus 11', () => {
  it('accepts numbers whose check digit is right', () => {
    expect(isValidNhsNumber('4505577104')).toBe(true); // the REST page's history example
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('9990000018')).toBe(true);
  });

  it('refuses the guide example 6105551234, whose check digit should be 1', () => {
    expect(nhsCheckDigit('610555123')).toBe(1);
    expect(isValidNhsNumber('6105551234')).toBe(false);
  });

  it('refuses wrong lengths, spaces, hyphens and letters', () => {
    for (const s of ['450557710', '45055771040', '450 557 7104', '450-557-7104', 'A505577104', '']) expect(isValidNhsNumber(s)).toBe(false);
  });

  it('has no check digit when 11 - sum mod 11 is 10', () => {
    // 6 * 2 = 12, 12 mod 11 = 1, 11 - 1 = 10: no valid number starts 000000006.
    expect(nhsCheckDigit('000000006')).toBe(undefined);
    expect(completeNhsNumber('000000006')).toBe(undefined);
    // 3 * 2 + ... = 245 for 999000001: 245 mod 11 = 3, check 8.
    expect(completeNhsNumber('999000001')).toBe('9990000018');
  });

  it('completes every nine-digit prefix into a valid number or none, and changing the last digit invalidates it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), (prefix) => {
        const full = completeNhsNumber(prefix);
        if (full === undefined) {
          for (let d = 0; d <= 9; d++) expect(isValidNhsNumber(prefix + d)).toBe(false);
          return;
        }
        expect(isValidNhsNumber(full)).toBe(true);
        const wrong = (Number(full[9]) + 1) % 10;
        expect(isValidNhsNumber(prefix + wrong)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
