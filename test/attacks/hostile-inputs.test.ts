/**
 * Issue 12's table, input by input: each hostile input goes to a fresh process, through the built library's
 * `verify()` (test/support/verify-file.mjs) and through the built CLI, and must end with its typed code in under
 * 256 MB of peak resident memory for the whole process (start-up included). Genuine inputs of the same kinds
 * (a 12-megapixel photo of a QR code, as PNG and as JPEG) are the controls: they must still decode.
 *
 * CPU time is measured too but, like every speed here, reported rather than asserted: DIVOC_USAGE_REPORT=1 prints
 * the table (the issue's closing note quotes it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  largePng,
  photoWithQr,
  photoWithQrJpeg,
  svgEdgeBomb,
  svgHugeViewBox,
  svgLongAttributeName,
} from '../../packages/qr/test/hostile-images.js';
import { vectorText } from '../support/vectors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRELOAD = join(ROOT, 'test/support/usage-preload.mjs');
const LIBRARY = join(ROOT, 'test/support/verify-file.mjs');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const MEMORY_MB = 256;
const QR_TEXT = vectorText('divoc/qr/ed25519-2018-divocdev-valid.qr-text.txt').trim();

interface Usage {
  maxRssMb: number;
  cpuMs: number;
}
interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  usage: Usage;
}

let dir: string;
const report: { row: string; via: string; status: number | null; code: string; usage: Usage }[] = [];

/** Run `node <args>` with the usage hook preloaded; returns the exit status, output and the process's peak usage. */
function measured(args: string[]): Outcome {
  const usageFile = join(dir, `usage-${report.length}-${Math.random().toString(36).slice(2)}.json`);
  const child = spawnSync(process.execPath, ['--import', PRELOAD, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DIVOC_USAGE_FILE: usageFile, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as Usage;
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, usage };
}

/** The library's verdict on one file: `{ ok, code }` of its decode check, and the process's usage. */
function viaLibrary(
  row: string,
  file: string,
): { decode: { ok: boolean; code?: string }; format: string; usage: Usage } {
  const out = measured([LIBRARY, file]);
  expect(out.status, out.stderr).toBe(0);
  const result = JSON.parse(out.stdout) as { decode: { ok: boolean; code?: string }; format: string };
  report.push({
    row,
    via: 'library verify()',
    status: out.status,
    code: result.decode.code ?? 'decoded',
    usage: out.usage,
  });
  return { ...result, usage: out.usage };
}

/** `divoc <command> --json <files…>`: exit status, the first check's code of each result line, and usage. */
function viaCli(
  row: string,
  command: 'verify' | 'decode',
  files: string[],
): { status: number | null; codes: (string | undefined)[]; formats: string[]; usage: Usage; output: string } {
  const out = measured([CLI, command, '--json', ...files]);
  const lines = out.stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map(
      (l) => JSON.parse(l) as { format: string; checks?: { ok: boolean; code?: string }[]; error?: { code?: string } },
    );
  const codes = lines.map((l) => l.checks?.find((c) => !c.ok)?.code ?? l.error?.code);
  report.push({
    row,
    via: `divoc ${command}`,
    status: out.status,
    code: codes.map((c) => c ?? 'ok').join(', '),
    usage: out.usage,
  });
  return {
    status: out.status,
    codes,
    formats: lines.map((l) => l.format),
    usage: out.usage,
    output: out.stdout + out.stderr,
  };
}

const write = (name: string, bytes: Uint8Array | string): string => {
  writeFileSync(join(dir, name), bytes);
  return name;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'divoc-hostile-'));
});

afterAll(() => {
  if (process.env.DIVOC_USAGE_REPORT) {
    const rows = report.map(
      (r) =>
        `| ${r.row} | ${r.via} | ${r.status ?? '-'} | ${r.code} | ${Math.round(r.usage.cpuMs)} ms ` +
        `| ${Math.round(r.usage.maxRssMb)} MB |`,
    );
    console.info(
      [
        '| input | via | exit | code | CPU (process) | peak RSS |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n'),
    );
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('issue 12 table: each hostile input ends with its code, in under 256 MB for the whole process', () => {
  it('baseline: the process alone (library import, CLI start-up) for scale', () => {
    const text = write('hello.txt', 'hello');
    expect(viaLibrary('baseline (5-byte text)', text).decode.code).toBe('ERR_INPUT_UNRECOGNIZED');
    expect(viaCli('baseline (5-byte text)', 'verify', [text]).status).toBe(1);
  });

  it('2 MB SVG with ~200k full-height path edges (CLI) and 1 MB of them (library): ERR_QR_SVG_TOO_COMPLEX', () => {
    const twoMb = write('edges-2mb.svg', svgEdgeBomb(720_000));
    const oneMb = write('edges-1mb.svg', svgEdgeBomb(360_000));
    expect(readFileSync(join(dir, twoMb)).length).toBeGreaterThan(1_900_000);
    const cli = viaCli('2 MB SVG of path edges', 'verify', [twoMb]);
    expect([cli.status, cli.codes]).toEqual([1, ['ERR_QR_SVG_TOO_COMPLEX']]);
    expect(cli.usage.maxRssMb).toBeLessThan(MEMORY_MB);
    const lib = viaLibrary('1 MB SVG of path edges', oneMb);
    expect(lib.decode).toEqual({ ok: false, code: 'ERR_QR_SVG_TOO_COMPLEX' });
    expect(lib.usage.maxRssMb).toBeLessThan(MEMORY_MB);
  });

  it('SVG with a 100 KB attribute name: parsed in linear time, its QR code decodes (library and CLI)', () => {
    const svg = write('long-attribute.svg', svgLongAttributeName(QR_TEXT, 100_000));
    const lib = viaLibrary('SVG with a 100 KB attribute name', svg);
    expect([lib.decode.ok, lib.format]).toEqual([true, 'divoc-qr']);
    expect(lib.usage.maxRssMb).toBeLessThan(MEMORY_MB);
    const cli = viaCli('SVG with a 100 KB attribute name', 'verify', [svg]);
    expect(cli.formats).toEqual(['divoc-qr']);
    expect(cli.codes[0]).not.toMatch(/^ERR_QR_/);
    expect(cli.usage.maxRssMb).toBeLessThan(MEMORY_MB);
  });

  it('64 KB all-white 49 MP PNG: ERR_QR_IMAGE_TOO_LARGE before any pixel is allocated (CLI and library)', () => {
    const png = write('white-49mp.png', largePng(7000, 7000));
    const cli = viaCli('64 KB all-white 49 MP PNG', 'verify', [png]);
    expect([cli.status, cli.codes]).toEqual([1, ['ERR_QR_IMAGE_TOO_LARGE']]);
    expect(cli.usage.maxRssMb).toBeLessThan(MEMORY_MB);
    expect(viaLibrary('64 KB all-white 49 MP PNG', png).decode.code).toBe('ERR_QR_IMAGE_TOO_LARGE');
  });

  it('21 KB 16 MP white PNG and a 16 MP PNG with contrast everywhere: no code found, within the budgets', () => {
    const white = write('white-16mp.png', largePng(4000, 4000));
    const lib = viaLibrary('21 KB 16 MP white PNG', white);
    expect(lib.decode.code).toBe('ERR_QR_NOT_FOUND');
    expect(lib.usage.maxRssMb).toBeLessThan(MEMORY_MB);
    // Rows from a few stripe patterns: compresses well, but every attempt of the ladder has something to look at.
    const striped = write(
      'striped-16mp.png',
      largePng(4000, 4000, {
        paint: (row, y) => row.forEach((_, x) => (row[x] = ((x >> (2 + (y % 5))) + (y >> 3)) & 1 ? 30 : 220)),
      }),
    );
    const hard = viaLibrary('16 MP striped PNG', striped);
    expect(['ERR_QR_NOT_FOUND', 'ERR_QR_TIME_BUDGET', 'ERR_QR_IMAGE_TOO_COMPLEX']).toContain(hard.decode.code);
    expect(hard.usage.maxRssMb).toBeLessThan(MEMORY_MB);
    const cli = viaCli('16 MP striped PNG', 'verify', [striped]);
    expect(cli.status).toBe(1);
    expect(['ERR_QR_NOT_FOUND', 'ERR_QR_TIME_BUDGET', 'ERR_QR_IMAGE_TOO_COMPLEX']).toContain(cli.codes[0]);
    expect(cli.usage.maxRssMb).toBeLessThan(MEMORY_MB);
  });

  it('116-byte SVG declaring a 4096×4096 viewBox: ERR_QR_IMAGE_TOO_LARGE (CLI and library)', () => {
    const svg = write('viewbox.svg', svgHugeViewBox(4096));
    expect(readFileSync(join(dir, svg)).length).toBeLessThan(150);
    const cli = viaCli('116-byte SVG, 4096×4096 viewBox', 'verify', [svg]);
    expect([cli.status, cli.codes]).toEqual([1, ['ERR_QR_IMAGE_TOO_LARGE']]);
    expect(viaLibrary('116-byte SVG, 4096×4096 viewBox', svg).decode.code).toBe('ERR_QR_IMAGE_TOO_LARGE');
  });

  it('`divoc decode` of 2 MB of nested JSON, then a valid input: the first fails alone, the second decodes', () => {
    const deep = write('deep.json', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    const good = write('good.txt', QR_TEXT);
    const cli = viaCli('2 MB of nested JSON, then a valid input', 'decode', [deep, good]);
    expect(cli.formats).toEqual(['unknown', 'divoc-qr']);
    expect(cli.status).toBe(1);
    expect(cli.usage.maxRssMb).toBeLessThan(MEMORY_MB);
    const lib = viaLibrary('2 MB of nested JSON', deep);
    expect(lib.decode.ok).toBe(false);
    expect(lib.decode.code).toMatch(/^ERR_/);
  });

  it('controls: a 12 MP photo of a QR code decodes, as PNG and as JPEG, within the same budgets', () => {
    const png = write('photo-12mp.png', photoWithQr(QR_TEXT, 4000, 3000, 10));
    const jpg = write('photo-12mp.jpg', photoWithQrJpeg(QR_TEXT, 4000, 3000, 10));
    for (const [row, file] of [
      ['12 MP photo (PNG) with a QR code', png],
      ['12 MP photo (JPEG) with a QR code', jpg],
    ] as const) {
      const lib = viaLibrary(row, file);
      expect([lib.decode.ok, lib.format]).toEqual([true, 'divoc-qr']);
      expect(lib.usage.maxRssMb).toBeLessThan(MEMORY_MB);
      const cli = viaCli(row, 'decode', [file]);
      expect([cli.status, cli.formats]).toEqual([0, ['divoc-qr']]);
      expect(cli.usage.maxRssMb).toBeLessThan(MEMORY_MB);
    }
  });
});
