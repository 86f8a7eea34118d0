/** The FhirFormatError a codec call throws; any other error is thrown on, and an accepted input fails the test. */
import { FhirFormatError } from '../../src/fhir/index.js';

export function formatErrorOf(run: () => unknown): FhirFormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof FhirFormatError) return error;
    throw error;
  }
  throw new Error('expected a FhirFormatError, but the input was accepted');
}
