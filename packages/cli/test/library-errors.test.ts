/**
 * Library errors the operator must fix (a bad --pdf-template, thrown by @divoc/pdf) end `divoc` as a CLI usage
 * problem does: `divoc: MESSAGE (CODE)` on stderr, exit 2. The CLI keeps no copy of those error classes.
 */
import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyInvalidError } from '@divoc/keys';
import { PdfTemplateInvalidError } from '@divoc/pdf';
import { exitCodeOf, isCliError, isOperatorError, InternalCliError, UsageError } from '../src/lib/errors.js';
import { ASHA_P1, issueArgv, run, withTempDir } from './helpers.js';

describe('exit codes of errors that escape a command', () => {
  it('a @divoc/pdf template error is an operator error: exit 2, though not a CLI error', () => {
    const error = new PdfTemplateInvalidError('template.page.size must be one of A4, A5, Letter');
    expect(isCliError(error)).toBe(false);
    expect(isOperatorError(error)).toBe(true);
    expect(exitCodeOf(error)).toBe(2);
  });

  it('CLI errors keep their own exit code; other library errors, look-alikes and plain errors are 1', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new InternalCliError('x'))).toBe(1);
    expect(isOperatorError(new KeyInvalidError('x'))).toBe(false);
    expect(exitCodeOf(new KeyInvalidError('x'))).toBe(1);
    // Only a DivocError counts: a plain Error carrying the code string is not one.
    expect(isOperatorError(Object.assign(new Error('x'), { code: 'ERR_PDF_TEMPLATE_INVALID' }))).toBe(false);
    expect(exitCodeOf(Object.assign(new Error('x'), { code: 'ERR_PDF_TEMPLATE_INVALID' }))).toBe(1);
    expect(exitCodeOf('thrown string')).toBe(1);
  });

  it('divoc issue --pdf-template BAD: the library message and code on stderr, exit 2, nothing issued', async () => {
    await withTempDir(async (dir) => {
      expect((await run(['keys', 'generate', '--type', 'ed25519', '--out', join(dir, 'k.key')])).code).toBe(0);
      await writeFile(join(dir, 'in.ndjson'), JSON.stringify(ASHA_P1));
      await writeFile(
        join(dir, 'bad.json'),
        JSON.stringify({ version: 1, page: { size: 'B9' }, texts: [], qr: { x: 0, y: 0, size: 100 } }),
      );
      for (const extra of [[], ['--json']]) {
        const r = await run(
          issueArgv(
            { key: join(dir, 'k.key'), in: join(dir, 'in.ndjson'), out: join(dir, 'out') },
            '--pdf',
            '--pdf-template',
            join(dir, 'bad.json'),
            ...extra,
          ),
        );
        expect(r.code).toBe(2);
        expect(r.stderr).toBe('divoc: template.page.size must be one of A4, A5, Letter (ERR_PDF_TEMPLATE_INVALID)\n');
        expect(r.stdout).toBe('');
      }
    });
  });
});
