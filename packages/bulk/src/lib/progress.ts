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
  /** Writes one piece of text; the return value is ignored. */
  write(chunk: string): unknown;
}

export interface Counts {
  issued: number;
  skipped: number;
  failed: number;
}

/** How progress is shown: a bar redrawn in place, plain log lines, JSON events (one per line), or nothing. */
export type ProgressMode = 'bar' | 'log' | 'json' | 'none';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  mode: ProgressMode;
  sink: TextSink;
  /** Input size in bytes (for percent and ETA); undefined when unknown. */
  totalBytes?: number;
  /** Minimum time between two updates. Default: 200 ms for the bar, 10 s for log lines and JSON events. */
  intervalMs?: number;
  /** Clock in milliseconds (default `Date.now`); tests pass a fake one. */
  now?: () => number;
}

/** A progress display made by {@link createProgress}. */
export interface Progress {
  /** Starts the clock and shows the start of the run (`info` goes into the JSON `start` event). */
  start(info: Record<string, unknown>): void;
  /**
   * Called often; draws at most once per interval. `recordsRead`: records taken from the source so far (processed
   * or queued); with it the share done is the share of the input read × the share of the records read that are done.
   */
  update(counts: Counts, bytesRead: number, recordsRead?: number): void;
  /** Shows the final counts, rate and duration (`extra` goes into the JSON `done` event). */
  finish(counts: Counts, extra: Record<string, unknown>): void;
}

function formatNumber(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A duration for people: `42s`, `3m05s`, `2h07m`; `?` when unknown or negative. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The most a run that has not finished shows as done: 99.9 %. */
const MAX_UNFINISHED = 0.999;

/** A progress display for a bulk run, in the given mode, written to `options.sink`. */
export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? (() => Date.now());
  const interval = options.intervalMs ?? (options.mode === 'bar' ? 200 : 10_000);
  let started = now();
  let lastDraw = 0;
  let drewBar = false;

  const stats = (counts: Counts, bytesRead: number, recordsRead?: number) => {
    const processed = counts.issued + counts.skipped + counts.failed;
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = processed / seconds;
    const read = options.totalBytes && options.totalBytes > 0 ? Math.min(bytesRead / options.totalBytes, 1) : undefined;
    // The reader runs ahead of the work (stream buffers, the work queue): the whole input is read well before the
    // last records are signed. So the share done is the share read, scaled by the records read that are done; and
    // it stays below 100 % (ETA above 0) until the run has finished.
    let fraction = read;
    if (fraction !== undefined && recordsRead !== undefined && recordsRead > 0)
      fraction *= Math.min(processed / recordsRead, 1);
    if (fraction !== undefined) fraction = Math.min(fraction, MAX_UNFINISHED);
    const eta =
      fraction !== undefined && fraction > 0.001 ? Math.max((seconds / fraction) * (1 - fraction), 1) : undefined;
    return { processed, seconds, rate, fraction, eta };
  };
  // Percentages are rounded down, so 99.96 % never shows as 100 %.
  const percent = (fraction: number, decimals: number) => Math.floor(fraction * 100 * 10 ** decimals) / 10 ** decimals;

  const draw = (counts: Counts, bytesRead: number, recordsRead?: number) => {
    const s = stats(counts, bytesRead, recordsRead);
    if (options.mode === 'json') {
      options.sink.write(
        `${JSON.stringify({
          event: 'progress',
          time: new Date(now()).toISOString(),
          processed: s.processed,
          ...counts,
          rate: Number(s.rate.toFixed(1)),
          ...(s.fraction !== undefined ? { percent: percent(s.fraction, 1) } : {}),
          ...(s.eta !== undefined ? { etaSeconds: Math.round(s.eta) } : {}),
        })}\n`,
      );
    } else if (options.mode === 'log') {
      const pct = s.fraction !== undefined ? `, ${percent(s.fraction, 1).toFixed(1)}%` : '';
      const eta = s.eta !== undefined ? `, ETA ${formatDuration(s.eta)}` : '';
      options.sink.write(
        `divoc issue: ${formatNumber(s.processed)} records (issued ${formatNumber(counts.issued)}, ` +
          `skipped ${formatNumber(counts.skipped)}, failed ${formatNumber(counts.failed)}), ` +
          `${formatNumber(s.rate)}/s${pct}${eta}\n`,
      );
    } else if (options.mode === 'bar') {
      const width = 24;
      const filled = s.fraction !== undefined ? Math.floor(s.fraction * width) : 0;
      const bar =
        s.fraction !== undefined
          ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent(s.fraction, 0)).padStart(3)}% `
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
    update(counts, bytesRead, recordsRead) {
      if (options.mode === 'none') return;
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      draw(counts, bytesRead, recordsRead);
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
