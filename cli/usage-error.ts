/** An error that is the user's to fix: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {}
