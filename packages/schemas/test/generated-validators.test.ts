import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatorCheckStatus } from '../../../test/support/generated.js';
import { buildCredential, validateCredential } from '@divoc/schemas';
import { vaccinationRecord } from './fixtures.js';

const pkg = join(import.meta.dirname, '..');
const script = join(pkg, 'scripts/generate-validators.mjs');
const generated = join(pkg, 'src/generated');
const tmp = mkdtempSync(join(tmpdir(), 'divoc-generated-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Exit status of the generator's `--check` against `dir`. */
const check = (dir: string): number => generatorCheckStatus(script, dir, pkg);

describe('precompiled validators (Ajv standalone)', () => {
  it('src/generated is what the schemas generate today, and a stale copy is caught', { timeout: 60_000 }, () => {
    expect(check(generated)).toBe(0);
    const copy = join(tmp, 'stale');
    cpSync(generated, copy, { recursive: true });
    expect(check(copy)).toBe(0);
    const file = join(copy, 'vaccination.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"maxLength":2048', '"maxLength":2049'));
    expect(check(copy)).toBe(1);
  });

  it('the generated code evaluates nothing at run time and needs no Ajv', () => {
    const files = readdirSync(generated);
    expect(files).toContain('index.ts');
    for (const f of files) {
      const text = readFileSync(join(generated, f), 'utf8');
      expect(text, f).not.toMatch(/new Function|\beval\(|require\(|from 'ajv/);
    }
    // Control: the same patterns do catch what they look for.
    expect("import x from 'ajv/dist/2020.js'; new Function('')").toMatch(/new Function|\beval\(|require\(|from 'ajv/);
  });

  it('messages that name the schema (pattern description, contains) come from the schema path', () => {
    const credential = buildCredential('vaccination', vaccinationRecord, { issuer: 'did:web:example.org' }) as Record<
      string,
      unknown
    >;
    expect(validateCredential(credential)).toEqual({ valid: true, issues: [] }); // control
    const badId = validateCredential({ ...credential, id: 'not a uri' });
    expect(badId.issues).toContainEqual({
      path: '$.id',
      keyword: 'pattern',
      message: 'must be an absolute URI or DID',
    });
    const contexts = (credential['@context'] as string[]).slice(0, 1);
    const noContext = validateCredential({ ...credential, '@context': [...contexts, 'https://example.org/other'] });
    expect(noContext.issues.map((i) => i.message).join('\n')).toMatch(/must include one of \[/);
  });
});
