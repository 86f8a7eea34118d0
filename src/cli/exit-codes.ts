/** The exit codes CI acts on (DESIGN.md, Contracts). */
export const EXIT = {
  /** No MUST/SHALL failed; warnings allowed. */
  conformant: 0,
  /** A MUST/SHALL expectation failed. */
  nonConformant: 1,
  /** Bad command line, environment or configuration file. */
  usage: 2,
  /** The target could not be tested: unreachable, TLS failure, or errors only. */
  untestable: 3,
} as const;

export class UsageError extends Error {}
