import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { DEVIATIONS } from './deviations.js';
import { formatReport, harnessReport } from './harness-report.js';
import {
  DELEGATED_FLAGS,
  FLAGS,
  TESTDATA_DIR,
  expectedFlags,
  loadTestCases,
  parseValidationClock,
  runStep,
} from './harness/dgc-testdata.js';

const cases = loadTestCases();
const deviations = new Map(DEVIATIONS.map((d) => [`${d.file}|${d.flag}`, d]));

describe('dgc-testdata harness: one test per (file, EXPECTED* flag)', () => {
  it('finds the upstream data', () => {
    expect(existsSync(TESTDATA_DIR)).toBe(true);
    expect(cases.length).toBe(441);
  });

  for (const c of cases) {
    for (const flag of FLAGS) {
      const expected = c.expected[flag];
      if (expected === undefined || DELEGATED_FLAGS[flag]) continue;
      const deviation = deviations.get(`${c.file}|${flag}`);
      const title = `${c.file} ${flag}=${expected}${deviation ? ' (documented deviation)' : ''}`;
      it(title, async () => {
        const outcome = await runStep(flag, c.data);
        // A deviation must still deviate; when upstream or we change, the entry has to go.
        const wanted = deviation ? !expected : expected;
        expect(outcome.ok, outcome.detail).toBe(wanted);
      });
    }
  }
});

describe('dgc-testdata deviations', () => {
  it('name existing (file, flag) pairs that carry an expectation', () => {
    for (const d of DEVIATIONS) {
      const c = cases.find((x) => x.file === d.file);
      expect(c, d.file).toBeDefined();
      expect(c!.expected[d.flag], `${d.file} ${d.flag}`).toBeTypeOf('boolean');
      expect(d.reason.length).toBeGreaterThan(20);
    }
  });

  it('deviations outside known_issues.csv have their reason checked: SG/4 recovery dates are date-times', () => {
    const sg = cases.find((x) => x.file === 'SG/2DCode/raw/4.json')!;
    const r = (sg.data.JSON as { r: Array<Record<string, string>> }).r[0]!;
    for (const field of ['fr', 'df', 'du']) expect(r[field]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(sg.data.JSON).toHaveProperty('meta');
    expect(DEVIATIONS.filter((d) => !d.knownIssue).map((d) => d.file)).toEqual(['SG/2DCode/raw/4.json']);
  });

  it(
    'FR test_pcr_ok: the signed CBOR and the JSON field disagree on sc ' + 'by two hours (upstream issue 141)',
    async () => {
      const fr = cases.find((x) => x.file === 'FR/2DCode/raw/test_pcr_ok.json')!;
      expect((fr.data.JSON as { t: Array<{ sc: string }> }).t[0]!.sc).toBe('2021-05-16T12:34:56Z');
      expect((await runStep('EXPECTEDDECODE', fr.data)).ok).toBe(true);
    },
  );
});

describe('dgc-testdata summary', () => {
  it('every flag: passed + deviations = cases, no failure', async () => {
    const report = await harnessReport();
    console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    for (const count of report.counts) {
      if (count.delegatedTo) continue;
      expect(count.passed + count.deviations, count.flag).toBe(count.cases);
    }
    const picture = report.counts.find((c) => c.flag === 'EXPECTEDPICTUREDECODE');
    expect(picture?.delegatedTo).toBe('covered by @divoc/qr');
  }, 120_000);
});

describe('testdata readers', () => {
  it('parses every VALIDATIONCLOCK variant', () => {
    const at = (s: string) => parseValidationClock(s).toISOString();
    expect(at('2021-05-03T18:00:00Z')).toBe('2021-05-03T18:00:00.000Z');
    expect(at('2021-05-03T20:00:00+02:00')).toBe('2021-05-03T18:00:00.000Z');
    expect(at('2021-05-03T20:00:00+0200')).toBe('2021-05-03T18:00:00.000Z');
    expect(at('2021-05-03T16:00:00-02')).toBe('2021-05-03T18:00:00.000Z');
    expect(at('2021-05-03T18:00:00')).toBe('2021-05-03T18:00:00.000Z');
    expect(at('2021-05-21T12:26:07.390079Z')).toBe('2021-05-21T12:26:07.390Z');
    expect(at('2021-05-21T12:26:07.123456789+00:00')).toBe('2021-05-21T12:26:07.123Z');
    expect(at('2021-06-01T10:00:00.123456')).toBe('2021-06-01T10:00:00.123Z');
    expect(() => parseValidationClock('yesterday')).toThrow();
    for (const c of cases) {
      const clock = c.data.TESTCTX?.VALIDATIONCLOCK;
      if (clock) expect(Number.isNaN(parseValidationClock(clock).getTime())).toBe(false);
    }
  });

  it('reads misspelled and nested expectation flags', () => {
    expect(
      expectedFlags({ EXPECTEDRESULTS: { EXPTECTEDEXPIRED: true, EXPECTEDRESULTS: { EXPECTEDVERIFY: false } } }),
    ).toEqual({
      EXPECTEDEXPIRATIONCHECK: false,
      EXPECTEDVERIFY: false,
    });
    expect(expectedFlags({ EXPECTEDRESULTS: {}, EXPECTEDDECODE: true })).toEqual({ EXPECTEDDECODE: true });
  });
});
