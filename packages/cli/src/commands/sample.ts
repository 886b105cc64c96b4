import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { extname } from 'node:path';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../lib/args.js';
import { OutputUnwritableError, UsageError } from '../lib/errors.js';
import { resolvePath, type CliIo } from '../lib/io.js';
import { describeFsError } from '@divoc/keys/node';
import { BAD_KINDS, csvHeader, csvLine, emptyStats, generateSample } from '@divoc/bulk/sample';

export const sampleSpec = defineCommand({
  name: 'sample',
  summary:
    'Write a synthetic registry export (names in several scripts, every vaccine, some bad rows) to try divoc issue on.',
  usage: 'sample --rows N --out FILE [--seed S] [--format csv|ndjson|json] [--bad-ratio R] [--json]',
  flags: {
    rows: { type: 'string', valueName: 'N', description: 'number of rows (1 to 100000000)' },
    out: { type: 'string', valueName: 'FILE', description: 'file to write (replaced if it exists)' },
    seed: {
      type: 'string',
      valueName: 'S',
      description: 'seed: the same seed and rows give the same file (default "divoc")',
    },
    format: {
      type: 'string',
      valueName: 'FORMAT',
      choices: ['csv', 'ndjson', 'json'],
      description: 'csv (default; or from the --out extension .csv/.ndjson/.jsonl/.json), ndjson or json (an array)',
    },
    'bad-ratio': {
      type: 'string',
      valueName: 'R',
      description:
        'share of bad rows, 0 to 1 (default 0.02): missing name, unparseable date, unknown vaccine, dose above total',
    },
    json: { type: 'boolean', description: 'print the summary as JSON' },
  },
  positionals: { min: 0, max: 0 },
  details: `The columns are record fields of both vaccination templates (refId, name, dob, age on some rows, gender,
nationality, identity, vaccine, manufacturer, batch, vaccinationDate, dose, totalDoses, facilityName,
facilityCountry, vaccinatorName, district, state, country), so either reads it with no mapping file:
  divoc issue --template vaccination --in FILE --out DIR --key KEY
  divoc issue --template vaccination-v2 --in FILE --out DIR --key KEY
Every good row has its own identity (one certificate per row). Bad rows are spread evenly, one defect each, in
turn: ${Object.entries(BAD_KINDS)
    .map(([k, f]) => `${k} (reported on field ${f})`)
    .join(', ')}.
The summary (stdout) counts rows, good rows and bad rows per kind.`,
});

export async function runSample(argv: readonly string[], io: CliIo): Promise<number> {
  const { flags, help } = parseArgs(argv, sampleSpec);
  if (help) {
    io.stdout.write(formatHelp(sampleSpec));
    return 0;
  }
  requireFlags(sampleSpec, flags, ['rows', 'out']);
  const rowsText = flags.rows as string;
  if (!/^\d{1,9}$/.test(rowsText) || Number(rowsText) < 1 || Number(rowsText) > 100_000_000)
    throw new UsageError('--rows must be a whole number from 1 to 100000000', 'sample');
  const rows = Number(rowsText);
  const ratioText = flags['bad-ratio'] ?? '0.02';
  const badRatio = Number(ratioText);
  if (!/^\d*\.?\d+$/.test(ratioText) || !(badRatio >= 0 && badRatio <= 1))
    throw new UsageError('--bad-ratio must be a number from 0 to 1', 'sample');
  const out = resolvePath(io, flags.out as string);
  const byExtension: Record<string, 'csv' | 'ndjson' | 'json'> = {
    '.csv': 'csv',
    '.ndjson': 'ndjson',
    '.jsonl': 'ndjson',
    '.json': 'json',
  };
  const format = (flags.format ?? byExtension[extname(out).toLowerCase()] ?? 'csv') as 'csv' | 'ndjson' | 'json';
  const seed = flags.seed ?? 'divoc';
  if (seed.length > 256) throw new UsageError('--seed is at most 256 characters', 'sample');

  // Written to a temporary name and renamed: a half-written export is never left under the real name.
  const temp = `${out}.${process.pid}.tmp`;
  const stream = createWriteStream(temp, { flags: 'wx' });
  const stats = emptyStats();
  try {
    await once(stream, 'open');
    let buffer = format === 'csv' ? csvHeader() : format === 'json' ? '[\n' : '';
    let first = true;
    for (const { row } of generateSample({ rows, seed, badRatio }, stats)) {
      if (format === 'csv') buffer += csvLine(row);
      else if (format === 'ndjson') buffer += `${JSON.stringify(row)}\n`;
      else {
        buffer += `${first ? '' : ',\n'}${JSON.stringify(row)}`;
        first = false;
      }
      if (buffer.length >= 1 << 16) {
        if (!stream.write(buffer)) await once(stream, 'drain');
        buffer = '';
      }
    }
    if (format === 'json') buffer += '\n]\n';
    stream.end(buffer);
    await once(stream, 'finish');
    await rename(temp, out);
  } catch (error) {
    stream.destroy();
    await unlink(temp).catch(() => undefined);
    throw new OutputUnwritableError(flags.out as string, describeFsError(error));
  }
  const badTotal = Object.values(stats.bad).reduce((a, b) => a + b, 0);
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({
        file: flags.out,
        format,
        seed,
        rows: stats.rows,
        good: stats.good,
        bad: badTotal,
        badByKind: stats.bad,
        scripts: stats.scripts,
      })}\n`,
    );
  } else {
    const kinds = Object.entries(stats.bad)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    io.stdout.write(
      `wrote ${stats.rows} rows to ${flags.out as string} (${format}): ${stats.good} good, ${badTotal} bad ` +
        `(${kinds})\n`,
    );
  }
  return 0;
}
