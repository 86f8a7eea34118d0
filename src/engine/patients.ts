/**
 * Patients for a run: fresh synthetic NHS numbers from the 999 test range (valid Modulus 11, unique within
 * the run, seeded from the clock so runs on different days do not collide), or configured fixed numbers.
 */
import { completeNhsNumber, isValidNhsNumber, nhsCheckDigit } from '../fhir/nhs-number.js';

export const PDS_PATIENT_BASE = 'https://demographics.spineservices.nhs.uk/STU3/Patient/';

export interface Patient {
  nhsNumber: string;
  /** The PDS reference the guide uses for Consent.patient and the search parameter. */
  ref: string;
}

export function patientFor(nhsNumber: string): Patient {
  return { nhsNumber, ref: PDS_PATIENT_BASE + nhsNumber };
}

export class PatientSource {
  private next: number;
  private issued = 0;
  private readonly fixed: string[];

  /**
   * `seed` defaults to the clock at 200 steps per second: a run of N patients that takes longer than N/200 s
   * never overlaps the next run against the same target, and runs a day apart start 280 000 numbers apart.
   */
  constructor(options: { fixed?: readonly string[]; seed?: number } = {}) {
    this.fixed = [...(options.fixed ?? [])];
    for (const n of this.fixed) {
      if (!isValidNhsNumber(n)) throw new Error(`fixed patient "${n}" is not a valid NHS number (10 digits, Modulus 11)`);
    }
    this.next = Math.abs(Math.floor(options.seed ?? Date.now() / 5)) % 1_000_000;
  }

  /** A patient not handed out before in this run (fixed numbers are reused round-robin: the environment owns them). */
  fresh(): Patient {
    if (this.fixed.length > 0) return patientFor(this.fixed[this.issued++ % this.fixed.length]!);
    for (let tries = 0; tries < 1_000_000; tries++) {
      const firstNine = '999' + String(this.next).padStart(6, '0');
      this.next = (this.next + 1) % 1_000_000;
      const number = completeNhsNumber(firstNine);
      if (number) {
        this.issued++;
        if (this.issued > 900_000) throw new Error('the 999 test range is exhausted for this run');
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
