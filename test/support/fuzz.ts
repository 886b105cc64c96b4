/**
 * Scaffolding the property-based fuzz tests (`*.fuzz.test.ts`) share on top of ../fuzz/support.ts: outcome tallies,
 * printed in the long run (FUZZ_RUNS) so a campaign shows which paths its cases reached.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { fuzzParams } from '../fuzz/support.js';

/** Counts the outcomes `run` reports; prints them as `<label>: {...}` in the long run. */
export function tally<O extends string>(label: string, run: (count: (outcome: O) => void) => void): void {
  const counts: Partial<Record<O, number>> = {};
  run((o) => (counts[o] = (counts[o] ?? 0) + 1));
  if (process.env.FUZZ_RUNS) console.log(`${label}: ${JSON.stringify(counts)}`);
}

/**
 * Asserts a property over `arb` whose check returns an outcome name (and throws on a failure), with fuzzParams(short,
 * weight) cases, tallying the outcomes under `label`.
 */
export function assertTallied<T, O extends string>(
  label: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => O,
  short: number,
  weight?: number,
): void {
  tally<O>(label, (count) =>
    fc.assert(
      fc.property(arb, (value) => {
        count(check(value));
      }),
      fuzzParams(short, weight),
    ),
  );
}

/**
 * What `run` returns, or the code of the typed error it throws (`isTyped`; with `codes`, one of them). Anything else
 * it throws fails the property, as `<what> threw an untyped error`.
 */
export function resultOrCode<T>(
  what: string,
  run: () => T,
  isTyped: (error: unknown) => boolean,
  codes?: ReadonlySet<string>,
): T | string {
  try {
    return run();
  } catch (error) {
    if (!isTyped(error)) throw new Error(`${what} threw an untyped error: ${String(error)}`, { cause: error });
    const { code } = error as { code: string };
    if (codes) expect(codes.has(code), code).toBe(true);
    return code;
  }
}
