import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatorCheckStatus } from '../../../test/support/generated.js';

const pkg = join(import.meta.dirname, '..');
const script = join(pkg, 'scripts/generate-validator.mjs');
const generated = join(pkg, 'src/generated');
const tmp = mkdtempSync(join(tmpdir(), 'divoc-dcc-generated-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Exit status of the generator's `--check` against `dir`. */
const check = (dir: string): number => generatorCheckStatus(script, dir, pkg);

describe('precompiled DCC schema validator', () => {
  it('src/generated matches dcc-schema-1.3.3.json, and a stale copy is caught', { timeout: 60_000 }, () => {
    expect(check(generated)).toBe(0);
    const copy = join(tmp, 'stale');
    cpSync(generated, copy, { recursive: true });
    const file = join(copy, 'dcc-schema.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"maxLength":80', '"maxLength":81'));
    expect(readFileSync(file, 'utf8')).not.toBe(readFileSync(join(generated, 'dcc-schema.ts'), 'utf8'));
    expect(check(copy)).toBe(1);
  });

  it('evaluates nothing at run time and loads no Ajv', () => {
    const text = readFileSync(join(generated, 'dcc-schema.ts'), 'utf8');
    expect(text).not.toMatch(/new Function|\beval\(|require\(|from 'ajv/);
    expect(text).toMatch(/export const validate/);
  });
});
