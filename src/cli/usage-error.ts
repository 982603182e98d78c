// An error the user caused (bad path, bad option): printed as one line, exit code 2, no stack trace.
export class UsageError extends Error {}
