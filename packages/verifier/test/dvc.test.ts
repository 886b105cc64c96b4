import { describe, expect, it } from 'vitest';
import { createDevelopmentCsca, createDevelopmentSigner, encodeDvc, type DvcPayload } from '@divoc/dcc';
import { vectorText } from '../../../test/support/vectors.js';
import { CREDENTIAL_FORMATS, Trust, verify } from '../src/index.js';

const FROM = new Date('2025-01-01T00:00:00Z');
const NOW = new Date('2025-06-01T00:00:00Z');
const PAYLOAD: DvcPayload = {
  n: 'Asha Rao',
  dob: '1990-05-15',
  s: 'F',
  v: { tg: '1D47', vp: 'XM0N24', ma: 'Sanofi Pasteur', dn: 'Primary', dt: '2025-02-19', bo: 'YF-1', is: 'MoH' },
};

describe('a WHO DVC through verify', async () => {
  const csca = await createDevelopmentCsca({ country: 'IN', validFrom: FROM });
  const signer = await createDevelopmentSigner({ csca, validFrom: FROM, validityDays: 730 });
  const trust = new Trust();
  await trust.load(signer.certificatePem);
  const hc1 = (await encodeDvc(PAYLOAD, { signer: signer.signer, certificate: signer.certificate, iat: FROM })).hc1;

  it('lists dvc and icvp among the formats', () => {
    expect(CREDENTIAL_FORMATS).toEqual(expect.arrayContaining(['dcc', 'dvc', 'icvp']));
  });

  it('is VALID with its signer trusted, the issuer named from the trust', async () => {
    const result = await verify(hc1, { trust, now: NOW });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result).toMatchObject({ format: 'dvc', valid: true, issuer: 'IN' });
    expect(result.summary).toMatchObject({ name: 'Asha Rao', event: 'vaccination', vaccineCode: 'XM0N24' });
  });

  it('is INVALID when the CWT names another country than the signer is trusted for', async () => {
    const other = (
      await encodeDvc(PAYLOAD, { signer: signer.signer, certificate: signer.certificate, iat: FROM, iss: 'FR' })
    ).hc1;
    const result = await verify(other, { trust, now: NOW });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'trust')).toMatchObject({ ok: false });
  });

  it('the real DVC is read (format dvc, decode ok) and fails trust without its key', async () => {
    const result = await verify(vectorText('who/dvc/DVCTestQR.txt').trim(), { trust, now: NOW });
    expect(result.format).toBe('dvc');
    expect(result.checks.find((c) => c.name === 'decode')?.ok).toBe(true);
    expect(result.checks.find((c) => c.name === 'trust')?.ok).toBe(false);
    expect(result.valid).toBe(false);
    expect(result.summary.name).toBe('Aulo Agerio');
  });
});
