import { describe, expect, it } from 'vitest';
import { encodeDcc, loadDccSignerList, verifyDcc } from '../src/index.js';
import { developmentPki, SAMPLE_DCC } from './helpers.js';

// A DCC signer list is trust: read strictly, so `"rawData": A, …, "rawData": B` (JSON.parse keeps B while a reviewer
// or another tool sees A) and `__proto__` / `constructor` / `prototype` members are refused, not trusted.

function refusal(fn: () => unknown): { code?: string; causeCode?: string; message: string } {
  try {
    fn();
  } catch (error) {
    const e = error as { code?: string; message: string; cause?: { code?: string } };
    return { code: e.code, causeCode: e.cause?.code, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('loadDccSignerList: duplicate and forbidden JSON members', () => {
  it('control loads and verifies; a duplicated rawData or a "__proto__" member is refused', async () => {
    const { dsc, testOnly } = await developmentPki();
    const good = await encodeDcc(SAMPLE_DCC, { signer: dsc.signer, certificate: dsc.certificatePem });
    const control = JSON.stringify([{ kid: dsc.kid, rawData: dsc.signerListEntry.rawData }]);
    expect((await verifyDcc(good.hc1, { trust: loadDccSignerList(control) })).valid).toBe(true);

    const duplicated =
      `[{"kid":"${dsc.kid}","rawData":"${testOnly.signerListEntry.rawData}",` +
      `"rawData":"${dsc.signerListEntry.rawData}"}]`;
    const dup = refusal(() => loadDccSignerList(duplicated));
    expect(dup).toMatchObject({ code: 'ERR_DCC_CERTIFICATE_INVALID', causeCode: 'ERR_JSON_DUPLICATE_KEY' });
    expect(dup.message).toContain('$[0].rawData');

    const proto = `{"__proto__":{"certificates":[]},"certificates":${control}}`;
    expect(refusal(() => loadDccSignerList(proto))).toMatchObject({
      code: 'ERR_DCC_CERTIFICATE_INVALID',
      causeCode: 'ERR_JSON_FORBIDDEN_KEY',
    });
    expect(refusal(() => loadDccSignerList(JSON.parse(proto)))).toMatchObject({
      code: 'ERR_DCC_CERTIFICATE_INVALID',
      causeCode: 'ERR_JSON_FORBIDDEN_KEY',
    });
  });
});
