/**
 * NHS number check digit (Modulus 11), as published in the NHS Data Dictionary:
 * the first nine digits are weighted 10 down to 2, the weighted sum is taken modulo 11,
 * and 11 minus that remainder is the check digit (11 counts as 0; 10 means the number is invalid).
 */

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** The check digit for the first nine digits, or undefined when no valid NHS number starts with them. */
export function nhsCheckDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
}

/** True when `s` is exactly ten digits (no spaces or hyphens) whose last digit is the Modulus 11 check digit. */
export function isValidNhsNumber(s: string): boolean {
  if (!/^\d{10}$/.test(s)) return false;
  return nhsCheckDigit(s.slice(0, 9)) === Number(s[9]);
}

/** Completes nine digits into a valid NHS number, or undefined when no check digit exists for them. */
export function completeNhsNumber(firstNine: string): string | undefined {
  const check = nhsCheckDigit(firstNine);
  return check === undefined ? undefined : firstNine + String(check);
}
