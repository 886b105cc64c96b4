// Minimal benchmark harness: warm up, then run for a fixed wall-clock budget and report ops/s.
// Ours and the baseline run in the same process, one after the other, on the same input.

export async function measure(fn, { seconds = 2, warmup = 20 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const budget = seconds * 1e9;
  const start = process.hrtime.bigint();
  let ops = 0;
  let elapsed = 0n;
  do {
    await fn();
    ops++;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  const secondsTaken = Number(elapsed) / 1e9;
  return { ops, seconds: secondsTaken, opsPerSecond: ops / secondsTaken };
}

export function formatTable(rows) {
  const header = ['benchmark', 'ours ops/s', 'baseline ops/s', 'ratio', 'baseline'];
  const lines = rows.map((r) => [
    r.name,
    r.ours.opsPerSecond.toFixed(0),
    r.baseline.opsPerSecond.toFixed(0),
    `${(r.ours.opsPerSecond / r.baseline.opsPerSecond).toFixed(2)}x`,
    r.baselineName,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols) => cols.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
