/**
 * Progress of a bulk run: a bar redrawn in place on a terminal (done, rate, ETA, errors), plain log lines when
 * stderr is not a terminal (cron, CI), or with `--json` one JSON event per line on stdout:
 *
 *   {"event":"start","time":…,"input":…,"out":…,"template":…,"formats":[…],"workers":4,"recovery":{…}}
 *   {"event":"progress","time":…,"processed":…,"issued":…,"skipped":…,"failed":…,"rate":…,"percent":…,"etaSeconds":…}
 *   {"event":"done","time":…,"processed":…,"issued":…,"skipped":…,"failed":…,"seconds":…,"rate":…,"exitCode":…}
 */
/** Anything with `write(string)`: `process.stderr`, or a buffer in tests. */
export interface TextSink {
  write(chunk: string): unknown;
}

export interface Counts {
  issued: number;
  skipped: number;
  failed: number;
}

export type ProgressMode = 'bar' | 'log' | 'json' | 'none';

export interface ProgressOptions {
  mode: ProgressMode;
  sink: TextSink;
  /** Input size in bytes (for percent and ETA); undefined when unknown. */
  totalBytes?: number;
  /** Minimum time between two updates. Default: 200 ms for the bar, 10 s for log lines and JSON events. */
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  start(info: Record<string, unknown>): void;
  /** Called often; draws at most once per interval. */
  update(counts: Counts, bytesRead: number): void;
  finish(counts: Counts, extra: Record<string, unknown>): void;
}

function formatNumber(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => Date.now());
  const interval = options.intervalMs ?? (options.mode === 'bar' ? 200 : 10_000);
  let started = now();
  let lastDraw = 0;
  let drewBar = false;

  const stats = (counts: Counts, bytesRead: number) => {
    const processed = counts.issued + counts.skipped + counts.failed;
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = processed / seconds;
    const fraction =
      options.totalBytes && options.totalBytes > 0 ? Math.min(bytesRead / options.totalBytes, 1) : undefined;
    // ETA from the share of the input read so far (records are read a bounded queue ahead of the work).
    const eta = fraction !== undefined && fraction > 0.001 ? (seconds / fraction) * (1 - fraction) : undefined;
    return { processed, seconds, rate, fraction, eta };
  };

  const draw = (counts: Counts, bytesRead: number) => {
    const s = stats(counts, bytesRead);
    if (options.mode === 'json') {
      options.sink.write(
        `${JSON.stringify({
          event: 'progress',
          time: new Date(now()).toISOString(),
          processed: s.processed,
          ...counts,
          rate: Number(s.rate.toFixed(1)),
          ...(s.fraction !== undefined ? { percent: Number((s.fraction * 100).toFixed(1)) } : {}),
          ...(s.eta !== undefined ? { etaSeconds: Math.round(s.eta) } : {}),
        })}\n`,
      );
    } else if (options.mode === 'log') {
      const pct = s.fraction !== undefined ? `, ${(s.fraction * 100).toFixed(1)}%` : '';
      const eta = s.eta !== undefined ? `, ETA ${formatDuration(s.eta)}` : '';
      options.sink.write(
        `divoc issue: ${formatNumber(s.processed)} records (issued ${formatNumber(counts.issued)}, ` +
          `skipped ${formatNumber(counts.skipped)}, failed ${formatNumber(counts.failed)}), ` +
          `${formatNumber(s.rate)}/s${pct}${eta}\n`,
      );
    } else if (options.mode === 'bar') {
      const width = 24;
      const filled = s.fraction !== undefined ? Math.round(s.fraction * width) : 0;
      const bar =
        s.fraction !== undefined
          ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(s.fraction * 100).toFixed(0).padStart(3)}% `
          : '';
      const eta = s.eta !== undefined ? ` · ETA ${formatDuration(s.eta)}` : '';
      options.sink.write(
        `\r${bar}${formatNumber(s.processed)} done · ${formatNumber(s.rate)}/s${eta} · ` +
          `${formatNumber(counts.failed)} errors\x1b[K`,
      );
      drewBar = true;
    }
  };

  return {
    start(info) {
      started = now();
      lastDraw = started;
      if (options.mode === 'json')
        options.sink.write(`${JSON.stringify({ event: 'start', time: new Date(started).toISOString(), ...info })}\n`);
    },
    update(counts, bytesRead) {
      if (options.mode === 'none') return;
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      draw(counts, bytesRead);
    },
    finish(counts, extra) {
      const s = stats(counts, 0);
      if (options.mode === 'json') {
        options.sink.write(
          `${JSON.stringify({
            event: 'done',
            time: new Date(now()).toISOString(),
            processed: s.processed,
            ...counts,
            seconds: Number(s.seconds.toFixed(3)),
            rate: Number(s.rate.toFixed(1)),
            ...extra,
          })}\n`,
        );
      } else if (options.mode === 'bar' && drewBar) {
        options.sink.write('\r\x1b[K');
      } else if (options.mode === 'log' && s.processed > 0 && s.seconds * 1000 >= interval) {
        options.sink.write(
          `divoc issue: finished ${formatNumber(s.processed)} records in ${formatDuration(s.seconds)} ` +
            `(${formatNumber(s.rate)}/s)\n`,
        );
      }
    },
  };
}
