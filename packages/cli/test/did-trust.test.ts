import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vectorJson } from '../../../test/support/vectors.js';
import { run, vectorPath, verifyLines, withTempDir } from './helpers.js';

/**
 * `divoc verify --trust <WHO DID trust list>`: the ddcc-trust TEST excerpt (test/vectors/who/) as a file and as a
 * folder of DID documents, against a BE dgc-testdata vector (one that passes every check, schema included) at its
 * validation clock. Negatives beside controls.
 */
const EXCERPT = vectorPath('who/trustlist-test-excerpt.did.json');
const vector = vectorJson<{ PREFIX: string; TESTCTX: { VALIDATIONCLOCK: string } }>(
  'dcc/dgc-testdata/BE/2DCode/raw/1.json',
) as unknown as { PREFIX: string; TESTCTX: { VALIDATIONCLOCK: string } };
const HC1 = vector.PREFIX;
/** VALIDATIONCLOCK in the form --now takes (ISO 8601 with a zone). */
const NOW = new Date(vector.TESTCTX.VALIDATIONCLOCK).toISOString();

/** The same HC1 with one base45 character changed inside the payload. */
function tampered(text: string): string {
  const i = Math.floor(text.length / 2);
  return `${text.slice(0, i)}${text[i] === 'A' ? 'B' : 'A'}${text.slice(i + 1)}`;
}

describe('divoc verify --trust with a WHO DID trust list', () => {
  it('a file: the BE vector verifies (exit 0), the issuer named from the trust', async () => {
    const r = await run(['verify', '--trust', EXCERPT, '--now', NOW, '--json', '-'], { stdin: HC1 });
    const [line] = verifyLines(r.stdout);
    expect(
      line?.checks.filter((c) => !c.ok).map((c) => c.name),
      r.stdout + r.stderr,
    ).toEqual([]);
    expect(line?.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: true });
    expect(line?.issuer).toBe('BE');
    expect(line?.valid).toBe(true);
    const human = await run(['verify', '--trust', EXCERPT, '--now', NOW, '-'], { stdin: HC1 });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^VALID/m);
    expect(human.stdout).toContain('BE');
    expect(r.code).toBe(0);
  });

  it('a tampered copy exits non-zero (control above)', async () => {
    const r = await run(['verify', '--trust', EXCERPT, '--now', NOW, '--json', '-'], { stdin: tampered(HC1) });
    expect(r.code).not.toBe(0);
    const [line] = verifyLines(r.stdout);
    expect(line?.valid).toBe(false);
    expect(line?.issuer).toBeNull();
  });

  it('without the list the same vector is not trusted (exit 1)', async () => {
    const r = await run(['verify', '--now', NOW, '--json', '-'], { stdin: HC1 });
    expect(r.code).toBe(1);
  });

  it('a folder of DID documents (referenced form) by --trust DIR; missing references warned about', async () => {
    await withTempDir(async (dir) => {
      const doc = vectorJson<{ id: string; verificationMethod: { id: string; controller: string }[] }>(
        'who/trustlist-test-excerpt.did.json',
      ) as unknown as { '@context': unknown; id: string; verificationMethod: { id: string; controller: string }[] };
      const be = doc.verificationMethod.find((vm) => vm.id.endsWith('#lHHRhMo9GWg%3D'))!;
      const refs = {
        '@context': doc['@context'],
        id: doc.id.replace(':u:ml:e', ':u:ml:r'),
        verificationMethod: [be.id, `${doc.id.replace(':u:ml:e', ':u:k:missing')}#missing`],
      };
      await mkdir(join(dir, 'u', 'ml', 'r'), { recursive: true });
      await mkdir(join(dir, 'u', 'k', 'lHHRhMo9GWg%3D'), { recursive: true });
      await writeFile(join(dir, 'u', 'ml', 'r', 'did.json'), JSON.stringify(refs));
      await writeFile(
        join(dir, 'u', 'k', 'lHHRhMo9GWg%3D', 'did.json'),
        JSON.stringify({ '@context': doc['@context'], id: be.controller, verificationMethod: [be] }),
      );
      const r = await run(['verify', '--trust', dir, '--now', NOW, '--json', '-'], { stdin: HC1 });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(verifyLines(r.stdout)[0]?.issuer).toBe('BE');
      expect(r.stderr).toMatch(/1 DID trust-list reference\(s\).*missing/);
      // A folder with neither jwks.json nor DID documents is still a usage error (exit 2).
      await mkdir(join(dir, 'empty'));
      const empty = await run(['verify', '--trust', join(dir, 'empty'), '-'], { stdin: HC1 });
      expect(empty.code).toBe(2);
    });
  });
});
