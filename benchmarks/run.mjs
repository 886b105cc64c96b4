// `pnpm bench`: every benchmark, ours against the baseline a user would otherwise pick, in one run.
// `pnpm bench --json` also writes benchmarks/results.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measure, formatTable } from './lib/harness.mjs';
import { setup as setupVc } from './vc.bench.mjs';

const json = process.argv.includes('--json');
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

const rows = [];
const notes = [];
for (const setup of [setupVc]) {
  const { cases, sameProofValue } = await setup();
  if (sameProofValue !== undefined) notes.push(`byte-identical proofValue vs baseline: ${sameProofValue ? 'yes' : 'NO'}`);
  for (const c of cases) {
    const baseline = await measure(c.baseline, { seconds });
    const ours = await measure(c.ours, { seconds });
    rows.push({ name: c.name, baselineName: c.baselineName, ours, baseline });
    process.stderr.write(`  ${c.name} done\n`);
  }
}

console.log(`\nNode ${process.version}, one core, ${seconds}s per measurement\n`);
console.log(formatTable(rows));
for (const n of notes) console.log(`\n${n}`);

if (json) {
  const results = {
    node: process.version,
    date: new Date().toISOString(),
    ratios: Object.fromEntries(rows.map((r) => [r.name, Number((r.ours.opsPerSecond / r.baseline.opsPerSecond).toFixed(3))])),
    ops: Object.fromEntries(
      rows.map((r) => [r.name, { ours: Math.round(r.ours.opsPerSecond), baseline: Math.round(r.baseline.opsPerSecond) }]),
    ),
  };
  const out = fileURLToPath(new URL('./results.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}
