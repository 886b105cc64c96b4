/** Helpers for assertions on verification results' `checks`. */

/** The checks of a result in which each named check passed, in that order: `[{ name, ok: true }, …]`. */
export const passedChecks = (...names: string[]): { name: string; ok: true }[] =>
  names.map((name) => ({ name, ok: true }));
