/** Parsing a command line with commander's exit overridden: help and version are exit 0, a usage error exit 2. */
import { CommanderError, type Command } from 'commander';
import { EXIT } from './exit-codes.js';

/** Parses `argv` into `command`; returns the exit code when parsing ended the command (help, usage error). */
export function parseCommandLine(command: Command, argv: readonly string[]): number | undefined {
  try {
    command.parse(argv, { from: 'user' });
    return undefined;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.conformant : EXIT.usage;
    throw e;
  }
}
