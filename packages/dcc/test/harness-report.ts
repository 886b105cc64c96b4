/**
 * Per-flag counts of the dgc-testdata harness: cases, passed (our step result equals the flag), deviations
 * (documented in deviations.ts, our result is the opposite), failed (anything else). Used by the summary test,
 * which prints the table; run it with `pnpm exec vitest run packages/dcc/test/dgc-testdata.test.ts`.
 */
import { DEVIATIONS } from './deviations.js';
import { DELEGATED_FLAGS, FLAGS, loadTestCases, runStep, type Flag } from './harness/dgc-testdata.js';

export interface FlagCount {
  flag: Flag;
  cases: number;
  passed: number;
  deviations: number;
  failed: number;
  /** Set for flags another package covers (no cases run here). */
  delegatedTo?: string;
}

export interface HarnessReport {
  files: number;
  counts: FlagCount[];
  failures: Array<{ file: string; flag: Flag; expected: boolean; detail: string }>;
}

export async function harnessReport(): Promise<HarnessReport> {
  const cases = loadTestCases();
  const deviation = new Set(DEVIATIONS.map((d) => `${d.file}|${d.flag}`));
  const counts = new Map<Flag, FlagCount>(
    FLAGS.map((flag) => [flag, { flag, cases: 0, passed: 0, deviations: 0, failed: 0 }]),
  );
  const failures: HarnessReport['failures'] = [];
  for (const c of cases) {
    for (const flag of FLAGS) {
      const expected = c.expected[flag];
      if (expected === undefined) continue;
      const count = counts.get(flag)!;
      count.cases++;
      const delegated = DELEGATED_FLAGS[flag];
      if (delegated) {
        count.delegatedTo = delegated;
        continue;
      }
      const outcome = await runStep(flag, c.data);
      const isDeviation = deviation.has(`${c.file}|${flag}`);
      if (!isDeviation && outcome.ok === expected) count.passed++;
      else if (isDeviation && outcome.ok !== expected) count.deviations++;
      else {
        count.failed++;
        failures.push({ file: c.file, flag, expected, detail: outcome.detail });
      }
    }
  }
  return { files: cases.length, counts: [...counts.values()].filter((c) => c.cases > 0), failures };
}

export function formatReport(report: HarnessReport): string {
  const rows = report.counts.map((c) =>
    c.delegatedTo
      ? `${c.flag.padEnd(26)} ${String(c.cases).padStart(5)}  ${c.delegatedTo}`
      : `${c.flag.padEnd(26)} ${String(c.cases).padStart(5)} ${String(c.passed).padStart(7)} ` +
        `${String(c.deviations).padStart(10)} ${String(c.failed).padStart(7)}`,
  );
  return [`dgc-testdata: ${report.files} files`, `${'flag'.padEnd(26)} cases  passed deviations  failed`, ...rows].join(
    '\n',
  );
}
