/**
 * Patients for a run: fresh synthetic NHS numbers from the 999 test range (valid Modulus 11, unique within
 * the run, drawn at random so separate runs rarely meet), or configured fixed numbers.
 */
import { randomInt } from 'node:crypto';
import { completeNhsNumber, isValidNhsNumber, nhsCheckDigit } from '../fhir/nhs-number.js';

export const PDS_PATIENT_BASE = 'https://demographics.spineservices.nhs.uk/STU3/Patient/';

/** 999 000 000–999 999 999: the nine digits before the check digit. */
const RANGE = 1_000_000;
/** About 10 in 11 of the range complete to a valid number; a run never needs more than this. */
const MAX_ISSUED = 900_000;

export interface Patient {
  nhsNumber: string;
  /** The PDS reference the guide uses for Consent.patient and the search parameter. */
  ref: string;
}

export function patientFor(nhsNumber: string): Patient {
  return { nhsNumber, ref: PDS_PATIENT_BASE + nhsNumber };
}

export class PatientSource {
  private readonly issued = new Set<string>();
  private fixedTurn = 0;
  private readonly fixed: string[];
  private readonly draw: () => number;

  /**
   * Without `seed` each number is drawn from crypto randomness, so runs do not share a sequence (a persistent
   * target is still searched before a patient is used: fresh-patients.ts). With `seed` the numbers run
   * upwards from it, wrapping at the end of the range, for tests that need a known sequence.
   */
  constructor(options: { fixed?: readonly string[]; seed?: number } = {}) {
    this.fixed = [...(options.fixed ?? [])];
    for (const n of this.fixed) {
      if (!isValidNhsNumber(n)) throw new Error(`fixed patient "${n}" is not a valid NHS number (10 digits, Modulus 11)`);
    }
    if (options.seed === undefined) {
      this.draw = () => randomInt(RANGE);
    } else {
      let next = Math.abs(Math.floor(options.seed)) % RANGE;
      this.draw = () => {
        const drawn = next;
        next = (next + 1) % RANGE;
        return drawn;
      };
    }
  }

  /** True when the patients are the environment's own (fixedPatients): they are reused, never replaced. */
  get usesFixedPatients(): boolean {
    return this.fixed.length > 0;
  }

  /** A patient not handed out before in this run (fixed numbers are reused round-robin: the environment owns them). */
  fresh(): Patient {
    if (this.fixed.length > 0) return patientFor(this.fixed[this.fixedTurn++ % this.fixed.length]!);
    if (this.issued.size >= MAX_ISSUED) throw new Error('the 999 test range is exhausted for this run');
    for (let tries = 0; tries < 10 * RANGE; tries++) {
      const number = completeNhsNumber('999' + String(this.draw()).padStart(6, '0'));
      if (number && !this.issued.has(number)) {
        this.issued.add(number);
        return patientFor(number);
      }
    }
    throw new Error('no valid NHS number left in the 999 range');
  }

  /** A 999-range number whose check digit is wrong (for the INVALID_NHS_NUMBER case). */
  invalidNumber(): string {
    const valid = this.fresh().nhsNumber;
    const firstNine = valid.slice(0, 9);
    const right = nhsCheckDigit(firstNine)!;
    return firstNine + String((right + 1) % 10);
  }
}
