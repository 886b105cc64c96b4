/** `divoc decode --fhir`: one FHIR R4 document Bundle per input, the decode command's error objects and exit codes. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vectorJson } from '../../../test/support/vectors.js';
import { ndjson, run, vectorPath, withTempDir } from './helpers.js';

const DIVOC_COMPLETE = vectorPath('divoc/signed/rsa2018-tampered-invalid.json');
// A DIVOC demo certificate with an empty dose and no certificate id: it decodes, but the DDCC mapping needs both.
const DIVOC_INCOMPLETE = vectorPath('divoc/signed/ed25519-2018-divocdev-valid.json');
const DVC = vectorPath('who/dvc/DVCTestQR.txt');
const VDSNC = vectorPath('vdsnc/au-citizen-john-valid.json');

type Bundle = { resourceType: string; type: string; entry: { resource: { resourceType: string } }[] };

describe('divoc decode --fhir', () => {
  it('prints one pretty Bundle per input, the same on every run; exit 0', async () => {
    await withTempDir(async (dir) => {
      const hc1 = vectorJson<{ PREFIX: string }>('dcc/dgc-testdata/AT/2DCode/raw/3.json').PREFIX;
      await writeFile(join(dir, 'test.dcc.txt'), `${hc1}\n`);
      const inputs = [DIVOC_COMPLETE, 'test.dcc.txt', DVC, VDSNC];
      const r = await run(['decode', '--fhir', ...inputs], { cwd: dir });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const docs = r.stdout
        .trim()
        .split(/\n(?=\{)/)
        .map((t) => JSON.parse(t) as Bundle);
      expect(
        docs.map((d) => [d.resourceType, d.type, d.entry[0]!.resource.resourceType, d.entry[3]!.resource.resourceType]),
      ).toEqual([
        ['Bundle', 'document', 'Composition', 'Immunization'],
        ['Bundle', 'document', 'Composition', 'Observation'],
        ['Bundle', 'document', 'Composition', 'Immunization'],
        ['Bundle', 'document', 'Composition', 'Immunization'],
      ]);
      expect(r.stdout).toContain('\n  "resourceType": "Bundle"');
      expect((await run(['decode', '--fhir', ...inputs], { cwd: dir })).stdout).toBe(r.stdout);
    });
  });

  it('--json: one Bundle per line', async () => {
    const r = await run(['decode', '--fhir', '--json', DVC, VDSNC]);
    expect(r.code, r.stderr).toBe(0);
    const lines = ndjson(r.stdout);
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.resourceType)).toEqual(['Bundle', 'Bundle']);
  });

  it('an input the mapping cannot read or that does not decode: the error object, exit 1; others map', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'noise.txt'), 'not a credential\n');
      const r = await run(['decode', '--fhir', '--json', DIVOC_INCOMPLETE, 'noise.txt', DIVOC_COMPLETE], { cwd: dir });
      expect(r.code).toBe(1);
      const [incomplete, noise, good] = ndjson(r.stdout);
      expect(incomplete).toMatchObject({
        input: DIVOC_INCOMPLETE,
        format: 'unknown',
        detected: 'w3c-vc',
        error: { code: 'ERR_DDCC_CREDENTIAL_INVALID' },
      });
      expect(noise).toMatchObject({ input: 'noise.txt', format: 'unknown', error: { code: 'ERR_INPUT_UNRECOGNIZED' } });
      expect(good).toMatchObject({ resourceType: 'Bundle', type: 'document' }); // control
    });
  });

  it('an unreadable input: exit 2, as decode', async () => {
    const r = await run(['decode', '--fhir', '/nonexistent/cert.json', DVC]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read');
  });

  it('without --fhir, decode prints what it always did', async () => {
    const r = await run(['decode', '--json', DVC]);
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout)[0]).toMatchObject({ input: DVC, format: 'dvc', payload: expect.any(Object) });
  });

  it('the help names --fhir and its output', async () => {
    const r = await run(['decode', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--fhir');
    expect(r.stdout).toContain('FHIR R4 document Bundle');
  });
});
