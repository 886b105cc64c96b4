// Benchmark harness. Ours and the baseline run in the same process on the same input, in alternating short rounds,
// so both see the same machine load; time is the process's CPU time (process.cpuUsage: user + system, every thread),
// so ops/s means operations per CPU-second of one core, even on a machine shared with other work.
// The ratio is the median of the per-round ratios (ours ops/s ÷ baseline ops/s), which a noisy round cannot move much.

function cpuMicros(since) {
  const u = process.cpuUsage(since);
  return u.user + u.system;
}

/** Run `fn` for about `micros` of CPU time; returns operations done and CPU microseconds used. */
async function runFor(fn, micros) {
  const start = process.cpuUsage();
  let ops = 0;
  let used = 0;
  do {
    // Check the clock every few calls: cpuUsage costs about a microsecond.
    for (let i = 0; i < 4; i++) await fn();
    ops += 4;
    used = cpuMicros(start);
  } while (used < micros);
  return { ops, micros: used };
}

/** Single-function measurement (kept for scripts that want one number): ops per CPU-second. */
export async function measure(fn, { seconds = 2, warmup = 20 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const { ops, micros } = await runFor(fn, seconds * 1e6);
  return { ops, seconds: micros / 1e6, opsPerSecond: ops / (micros / 1e6) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Ours against the baseline: warm both up, then `rounds` alternating rounds (who goes first alternates too), each
 * side getting `seconds / rounds` of CPU time per round.
 */
export async function compare(ours, baseline, { seconds = 3, rounds = 8, warmup = 30 } = {}) {
  for (let i = 0; i < warmup; i++) {
    await baseline();
    await ours();
  }
  const slice = (seconds * 1e6) / rounds;
  const ratios = [];
  const total = { ours: { ops: 0, micros: 0 }, baseline: { ops: 0, micros: 0 } };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['baseline', 'ours'] : ['ours', 'baseline'];
    const got = {};
    for (const side of order) {
      got[side] = await runFor(side === 'ours' ? ours : baseline, slice);
      total[side].ops += got[side].ops;
      total[side].micros += got[side].micros;
    }
    ratios.push(got.ours.ops / got.ours.micros / (got.baseline.ops / got.baseline.micros));
  }
  const rate = (t) => ({ ops: t.ops, seconds: t.micros / 1e6, opsPerSecond: t.ops / (t.micros / 1e6) });
  return { ours: rate(total.ours), baseline: rate(total.baseline), ratio: median(ratios), ratios };
}

export function formatTable(rows) {
  const header = ['benchmark', 'ours ops/s', 'baseline ops/s', 'ratio', 'goal', 'baseline'];
  const lines = rows.map((r) => [
    r.name,
    r.ours.opsPerSecond.toFixed(0),
    r.baseline.opsPerSecond.toFixed(0),
    `${(r.ratio ?? r.ours.opsPerSecond / r.baseline.opsPerSecond).toFixed(2)}x`,
    r.goal ? `${r.goal}x${(r.ratio ?? 0) >= r.goal ? ' ok' : ' MISSED'}` : r.informational ? 'info' : '',
    r.baselineName,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cols) =>
    cols.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}
