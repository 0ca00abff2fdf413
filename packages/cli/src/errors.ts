// Errors the CLI reports to a user: a stable code, an actionable message, an exit code.

/** Exit codes of every command: 0 ok, 1 the project or the run failed a check, 2 usage or setup error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error the CLI prints as one line (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

export function isCliError(error: unknown): error is CliError {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'CliError';
}
