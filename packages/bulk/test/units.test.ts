import { describe, expect, it } from 'vitest';
import { parseDate, parseNumber, compileDatePattern, type DateRule } from '../src/lib/dates.js';
import { mappingRecordMapper, parseMapping } from '../src/lib/mapping.js';
import { createProgress } from '../src/lib/progress.js';
import { emptyStats, generateSample, csvLine } from '../src/lib/sample.js';
import { BulkMappingInvalidError as MappingFileInvalidError } from '../src/errors.js';

const rule = (formats: string[], kind: DateRule['kind'] = 'date', timeZone = 'UTC'): DateRule => ({
  formats,
  kind,
  timeZone,
});

describe('date rules', () => {
  it('reads the common registry formats, first match wins', () => {
    expect(parseDate('31/12/2021', rule(['DD/MM/YYYY']))).toEqual({ ok: true, value: '2021-12-31' });
    expect(parseDate('12/31/2021', rule(['MM/DD/YYYY']))).toEqual({ ok: true, value: '2021-12-31' });
    expect(parseDate('1/7/2021', rule(['DD/MM/YYYY']))).toEqual({ ok: true, value: '2021-07-01' });
    expect(parseDate('2021-07-01', rule(['DD/MM/YYYY', 'YYYY-MM-DD']))).toEqual({ ok: true, value: '2021-07-01' });
    expect(parseDate('2021-07-01', rule(['iso']))).toEqual({ ok: true, value: '2021-07-01' });
    // A date without a time stays a date even for a date-time field (no invented midnight).
    expect(parseDate('01-07-2021', rule(['DD-MM-YYYY'], 'datetime', 'Asia/Kolkata'))).toEqual({
      ok: true,
      value: '2021-07-01',
    });
  });

  it('date-times without an offset are read in the time zone and written as UTC', () => {
    expect(parseDate('01-07-2021 10:30', rule(['DD-MM-YYYY HH:mm'], 'datetime', '+05:30'))).toEqual({
      ok: true,
      value: '2021-07-01T05:00:00.000Z',
    });
    expect(parseDate('01-07-2021 10:30', rule(['DD-MM-YYYY HH:mm'], 'datetime', 'Asia/Kolkata'))).toEqual({
      ok: true,
      value: '2021-07-01T05:00:00.000Z',
    });
    // IANA zones follow daylight saving time.
    expect(parseDate('2021-07-01 12:00', rule(['YYYY-MM-DD HH:mm'], 'datetime', 'Europe/Berlin'))).toEqual({
      ok: true,
      value: '2021-07-01T10:00:00.000Z',
    });
    expect(parseDate('2021-01-01 12:00', rule(['YYYY-MM-DD HH:mm'], 'datetime', 'Europe/Berlin'))).toEqual({
      ok: true,
      value: '2021-01-01T11:00:00.000Z',
    });
    expect(parseDate('2021-07-01T10:30:00+05:30', rule(['iso'], 'datetime', 'UTC'))).toEqual({
      ok: true,
      value: '2021-07-01T05:00:00.000Z',
    });
    // A date field keeps the calendar date in the zone.
    expect(parseDate('2021-07-01 02:00', rule(['YYYY-MM-DD HH:mm'], 'date', '+05:30'))).toEqual({
      ok: true,
      value: '2021-07-01',
    });
  });

  it('Excel serials and epoch times', () => {
    expect(parseDate('44378', rule(['excel']))).toEqual({ ok: true, value: '2021-07-01' });
    expect(parseDate(44378, rule(['excel']))).toEqual({ ok: true, value: '2021-07-01' });
    expect(parseDate('44378.5', rule(['excel'], 'datetime'))).toEqual({ ok: true, value: '2021-07-01T12:00:00.000Z' });
    expect(parseDate('1625140800000', rule(['epoch-ms'], 'datetime'))).toEqual({
      ok: true,
      value: '2021-07-01T12:00:00.000Z',
    });
    expect(parseDate('1625140800', rule(['epoch-s'], 'date', '+05:30'))).toEqual({ ok: true, value: '2021-07-01' });
    expect(parseDate('59', rule(['excel'])).ok).toBe(false); // before Excel's phantom 1900-02-29
  });

  it('rejects impossible and hostile dates with a reason', () => {
    for (const [text, formats] of [
      ['31/02/2021', ['DD/MM/YYYY']],
      ['2021-13-45', ['iso']],
      ['2021-06-31', ['iso']],
      ['yesterday', ['iso', 'DD/MM/YYYY', 'excel']],
      ['12/31/2021', ['DD/MM/YYYY']],
      ['9'.repeat(200), ['excel', 'epoch-ms']],
      ['99999999999999', ['epoch-ms']],
      ['2021-07-01 25:00', ['YYYY-MM-DD HH:mm']],
    ] as const) {
      const result = parseDate(text, rule([...formats]));
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/\S/);
    }
    expect(parseDate({ a: 1 }, rule(['iso'])).ok).toBe(false);
    expect(parseDate(null, rule(['iso'])).ok).toBe(false);
  });

  it('date patterns are checked', () => {
    expect(() => compileDatePattern('DD/MM')).toThrow(/needs YYYY/);
    expect(() => compileDatePattern('DD/MMM/YYYY')).toThrow();
    expect(() => compileDatePattern('Qx YYYY-MM-DD')).toThrow(/unknown token/);
    expect(() => compileDatePattern('YYYY-MM-DD-DD')).toThrow(/repeats/);
  });

  it('number rules', () => {
    const int = { decimal: '.', thousands: ',', integer: true } as const;
    expect(parseNumber('1,234', int)).toEqual({ ok: true, value: 1234 });
    expect(parseNumber(' 2 ', int)).toEqual({ ok: true, value: 2 });
    expect(parseNumber('2.0', int)).toEqual({ ok: true, value: 2 });
    expect(parseNumber('2.5', int).ok).toBe(false);
    expect(parseNumber('two', int).ok).toBe(false);
    expect(parseNumber('1e3', int).ok).toBe(false);
    expect(parseNumber('1.234,5', { decimal: ',', thousands: '.', integer: false })).toEqual({
      ok: true,
      value: 1234.5,
    });
    expect(parseNumber(Number.NaN, int).ok).toBe(false);
    expect(parseNumber([1], int).ok).toBe(false);
  });
});

describe('mapping file', () => {
  const mapping = {
    version: 1,
    fields: {
      refId: 'Beneficiary ID',
      name: 'Name',
      dob: { column: 'DOB', formats: ['DD/MM/YYYY', 'excel'] },
      vaccinationDate: { column: 'Vaccinated On', formats: ['DD-MM-YYYY HH:mm'], timeZone: 'Asia/Kolkata' },
      dose: 'Dose No.',
      totalDoses: { column: 'Total', default: 2 },
      gender: { column: 'Sex', values: { M: 'Male', F: 'Female' } },
      vaccine: 'Vaccine',
      country: { value: 'IN' },
    },
    numbers: { thousands: ',' },
  };

  it('renames columns, parses dates and numbers, translates values, fills constants and defaults', () => {
    const mapper = mappingRecordMapper(parseMapping(mapping));
    const result = mapper.map({
      'Beneficiary ID': 'B-1',
      Name: ' Asha ',
      DOB: '12/04/1990',
      'Vaccinated On': '01-09-2021 10:00',
      'Dose No.': '1',
      Sex: 'F',
      Vaccine: 'COVISHIELD',
      Extra: 'ignored',
    });
    expect(result).toEqual({
      ok: true,
      record: {
        refId: 'B-1',
        name: 'Asha',
        dob: '1990-04-12',
        vaccinationDate: '2021-09-01T04:30:00.000Z',
        dose: 1,
        totalDoses: 2,
        gender: 'Female',
        vaccine: 'COVISHIELD',
        country: 'IN',
      },
    });
  });

  it('reports every field that cannot be read, with the column', () => {
    const mapper = mappingRecordMapper(parseMapping(mapping));
    const result = mapper.map({
      'Beneficiary ID': 'B-2',
      Name: 'Ravi',
      DOB: '31/02/1990',
      'Vaccinated On': 'soon',
      'Dose No.': 'first',
      Vaccine: 'X',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.field)).toEqual(['dob', 'vaccinationDate', 'dose']);
      expect(result.errors[0]?.reason).toContain('"DOB"');
    }
  });

  it('unmappedColumns: reject names the stray column', () => {
    const mapper = mappingRecordMapper(parseMapping({ ...mapping, unmappedColumns: 'reject' }));
    const result = mapper.map({ Name: 'A', Stray: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatchObject({ field: 'Stray' });
  });

  it('bad mapping files are ERR_MAPPING_INVALID naming the key', () => {
    const cases: [unknown, RegExp][] = [
      [null, /JSON object/],
      [{ fields: { name: 'N' } }, /version/],
      [{ version: 1, fields: {} }, /at least one field/],
      [{ version: 1, fields: { __proto__x: 'a', name: 5 } }, /name/],
      [{ version: 1, fields: { name: { column: 'N', value: 'x' } } }, /exactly one/],
      [{ version: 1, fields: { dob: { column: 'D', formats: ['DD/MM'] } } }, /needs YYYY/],
      [{ version: 1, fields: { dob: { column: 'D', timeZone: 'Mars/Olympus' } } }, /time zone/],
      [{ version: 1, fields: { name: { column: 'N', formats: ['iso'] } } }, /date fields only/],
      [{ version: 1, fields: { name: 'N' }, extra: 1 }, /unknown key "extra"/],
      [{ version: 1, fields: { name: 'N' }, numbers: { decimal: ',', thousands: ',' } }, /differ/],
      [{ version: 1, fields: { constructor: 'N' } }, /not a usable field name/],
    ];
    for (const [json, message] of cases) {
      let error: unknown;
      try {
        parseMapping(json);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(json)).toBeInstanceOf(MappingFileInvalidError);
      expect((error as MappingFileInvalidError).code).toBe('ERR_MAPPING_INVALID');
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('divoc sample generator', () => {
  const take = (rows: number, seed: string, badRatio = 0.1) => {
    const stats = emptyStats();
    const text = [...generateSample({ rows, seed, badRatio }, stats)].map(({ row }) => csvLine(row)).join('');
    return { text, stats };
  };

  it('is deterministic per seed and differs across seeds', () => {
    expect(take(500, 'a').text).toBe(take(500, 'a').text);
    expect(take(500, 'a').text).not.toBe(take(500, 'b').text);
  });

  it('bad rows: the exact share, every kind; names in several scripts; unique identities', () => {
    const { stats } = take(2000, 'mix', 0.1);
    expect(stats.rows).toBe(2000);
    expect(stats.good).toBe(1800);
    expect(Object.values(stats.bad)).toEqual([50, 50, 50, 50]);
    expect(Object.keys(stats.scripts).sort()).toEqual([
      'Bengali',
      'Devanagari',
      'Gurmukhi',
      'Latin',
      'Sinhala',
      'Tamil',
      'Telugu',
    ]);
    const identities = new Set<string>();
    for (const { row } of generateSample({ rows: 2000, seed: 'mix', badRatio: 0 }, emptyStats()))
      identities.add(String(row.identity));
    expect(identities.size).toBe(2000);
  });
});

describe('progress output', () => {
  const counts = { issued: 90, skipped: 5, failed: 5 };
  it('JSON events: start, progress (rate, percent, ETA), done', () => {
    let out = '';
    let t = 0;
    const p = createProgress({
      mode: 'json',
      sink: { write: (s: string) => (out += s) },
      totalBytes: 1000,
      intervalMs: 1000,
      now: () => t,
    });
    p.start({ template: 'vaccination' });
    t = 500;
    p.update(counts, 250); // within the interval: nothing
    t = 10_000;
    p.update(counts, 250);
    p.finish(counts, { exitCode: 1 });
    const events = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(['start', 'progress', 'done']);
    expect(events[1]).toMatchObject({
      processed: 100,
      issued: 90,
      skipped: 5,
      failed: 5,
      rate: 10,
      percent: 25,
      etaSeconds: 30,
    });
    expect(events[2]).toMatchObject({ processed: 100, seconds: 10, exitCode: 1 });
  });

  it('log lines for cron; a bar redrawn in place on a terminal', () => {
    let log = '';
    let t = 0;
    const l = createProgress({
      mode: 'log',
      sink: { write: (s: string) => (log += s) },
      totalBytes: 1000,
      intervalMs: 1000,
      now: () => t,
    });
    l.start({});
    t = 10_000;
    l.update(counts, 500);
    l.finish(counts, {});
    expect(log).toMatch(/^divoc issue: 100 records \(issued 90, skipped 5, failed 5\), 10\/s, 50\.0%, ETA 10s\n/);
    expect(log).toContain('finished 100 records in 10s');

    let bar = '';
    t = 0;
    const b = createProgress({
      mode: 'bar',
      sink: { write: (s: string) => (bar += s) },
      totalBytes: 1000,
      intervalMs: 100,
      now: () => t,
    });
    b.start({});
    t = 10_000;
    b.update(counts, 500);
    b.finish(counts, {});
    expect(bar).toMatch(/^\r\[#{12}\.{12}\]  50% 100 done · 10\/s · ETA 10s · 5 errors\x1b\[K\r\x1b\[K$/);
  });
  // Issue 14: the reader runs ahead of the signing, so the whole file was read (bytes 100 %) at 18,461 of 20,000
  // records, and the bar said 100 % / ETA 0 s.
  it('shows 100 % and ETA 0 only when done, though the input is read to the end before the work is', () => {
    let out = '';
    let t = 0;
    const p = createProgress({
      mode: 'json',
      sink: { write: (s: string) => (out += s) },
      totalBytes: 2_000_000,
      intervalMs: 1000,
      now: () => t,
    });
    p.start({});
    t = 18_461;
    const at = { issued: 18_461, skipped: 0, failed: 0 };
    p.update(at, 2_000_000, 20_000); // every byte read, 20,000 records read, 18,461 done
    t = 20_000;
    p.update({ issued: 19_999, skipped: 0, failed: 0 }, 2_000_000, 20_000); // one left: still not 100 %
    p.finish({ issued: 20_000, skipped: 0, failed: 0 }, {});
    const [, first, last] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { percent: number; etaSeconds: number });
    expect(first?.percent).toBeCloseTo(92.3, 1);
    expect(first?.etaSeconds).toBe(2); // 18.5 s for 92.3 %: 1.5 s to go
    expect(last?.percent).toBeLessThan(100);
    expect(last?.etaSeconds).toBeGreaterThanOrEqual(1);
    // Control: half the input read and every record read done is 50 %, as before.
    let bar = '';
    const b = createProgress({
      mode: 'bar',
      sink: { write: (s: string) => (bar += s) },
      totalBytes: 1000,
      intervalMs: 0,
    });
    b.start({});
    b.update({ issued: 10, skipped: 0, failed: 0 }, 500, 10);
    expect(bar).toContain(' 50% ');
    b.update({ issued: 19_999, skipped: 0, failed: 0 }, 1000, 20_000);
    expect(bar).not.toContain('100%');
    expect(bar).toContain(' 99% ');
  });
});
