// The national-scale run, separate from `pnpm bench` because it takes long:
//   pnpm build && node benchmarks/bulk.mjs --rows 1000000 --format vc,vc-compact [--layout files|ndjson] [--workers N]
//   [--fsync] [--baseline-rows 2000]
// Generates a `divoc sample` export of --rows rows, issues it with the built `divoc issue` (worker threads on every
// core), and prints records per second and peak memory, next to the naive @digitalbazaar/vc loop on --baseline-rows
// rows of the same export (0 to skip). Add --json to get the numbers as JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBulkTable, runBaseline, runOurs } from './bulk.bench.mjs';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    format: { type: 'string', default: 'vdsnc' },
    workers: { type: 'string', default: String(availableParallelism()) },
    fsync: { type: 'boolean', default: false },
    layout: { type: 'string', default: 'files' },
    'baseline-rows': { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'divoc-bulk-'));
try {
  const results = [
    {
      name: 'divoc issue',
      ...(await runOurs({
        rows: Number(values.rows),
        format: values.format,
        workers: Number(values.workers),
        fsync: values.fsync,
        layout: values.layout,
        dir,
      })),
    },
  ];
  if (Number(values['baseline-rows']) > 0) {
    results.push({
      name: 'naive @digitalbazaar/vc loop',
      ...(await runBaseline({ exportFile: join(dir, 'export.csv'), rows: Number(values['baseline-rows']) })),
      workers: 1,
    });
  }
  console.log(`\nNode ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}\n`);
  console.log(formatBulkTable(results));
  if (values.json) console.log(JSON.stringify(results.map(({ work: _w, exportFile: _e, ...r }) => r)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
