import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BulkUnknownColumnsError, csvSource, issueBulk, ndjsonSource, type BulkRejection } from '../src/index.js';
import { MemorySink, record, testKeys } from './helpers.js';

// Issue 14: a CSV header is checked before the run (one error naming the columns, nothing issued), records are
// checked for unknown fields before their certificate id, and the DCC name fields are record fields.
const COLUMNS = ['refId', 'name', 'dob', 'vaccine', 'vaccinationDate', 'dose', 'totalDoses'] as const;
const csv = (header: readonly string[], rows: number) =>
  [
    header.join(','),
    ...Array.from({ length: rows }, (_, i) => COLUMNS.map((c) => String(record(i + 1)[c])).join(',')),
  ].join('\n') + '\n';

describe('issueBulk and unknown fields', () => {
  it('a CSV header with unknown columns throws BulkUnknownColumnsError before anything is issued', async () => {
    const keys = await testKeys();
    const sink = new MemorySink();
    const header = COLUMNS.map((c) => (c === 'name' ? 'nmae' : c === 'dob' ? 'DOB' : c));
    const run = issueBulk({
      source: csvSource(Readable.from([csv(header, 3)])),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      sink,
    });
    await expect(run).rejects.toBeInstanceOf(BulkUnknownColumnsError);
    await expect(run).rejects.toMatchObject({
      code: 'ERR_INPUT_UNKNOWN_COLUMNS',
      columns: [
        { field: 'nmae', suggestion: 'name' },
        { field: 'DOB', suggestion: 'dob' },
      ],
    });
    expect(sink.writes).toHaveLength(0);
    // Control: the right header issues every row; ignoreUnknownFields runs the bad one (rows then lack name).
    const good = await issueBulk({
      source: csvSource(Readable.from([csv(COLUMNS, 3)])),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      sink: new MemorySink(),
    });
    expect(good).toMatchObject({ issued: 3, failed: 0 });
    const ignored = await issueBulk({
      source: csvSource(Readable.from([csv(header, 3)])),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      sink: new MemorySink(),
      ignoreUnknownFields: true,
    });
    expect(ignored).toMatchObject({ issued: 0, failed: 3 });
  });

  it('an NDJSON record names its unknown field, not the certificate id it could not derive', async () => {
    const keys = await testKeys();
    const { name: _n, identity: _i, refId: _r, ...rest } = record(1);
    const rejections: BulkRejection[] = [];
    const lines = [
      { ...rest, Name: 'Asha Verma' },
      { ...record(2), nameLatin: 'Person Two' },
    ];
    const summary = await issueBulk({
      source: ndjsonSource(Readable.from([lines.map((l) => JSON.stringify(l)).join('\n')])),
      template: 'vaccination',
      keys: keys.keys,
      issuer: keys.issuer,
      sink: new MemorySink(),
      onReject: (r) => rejections.push(r),
    });
    // The DCC name fields are record fields of every template: the second line issues.
    expect(summary).toMatchObject({ issued: 1, failed: 1 });
    expect(rejections[0]?.errors).toEqual([{ field: 'Name', reason: expect.stringContaining('did you mean "name"?') }]);
  });
});
