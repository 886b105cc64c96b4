import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importKeyPair, trustedKeyFromKeyPair } from '@divoc/keys';
import { verifyCredential, VcUnsafeJsonError, isVcError } from '../src/index.js';
import { keyResolver, VECTORS, vectorJson, vectorText } from './helpers.js';

// "What was signed is what is read": a `__proto__` / `constructor` / `prototype` member in a signed credential (an own
// member once JSON.parse has read it) must fail `decode` with ERR_JSON_FORBIDDEN_KEY, never verify.

const rsa = importKeyPair({ pem: readFileSync(new URL('divoc/keys/divoc-test-rsa.public.pem', VECTORS), 'utf8') });
const ed = importKeyPair(vectorJson('divoc/keys/divoc-test-ed25519.json') as never);
const trustStore = keyResolver([
  trustedKeyFromKeyPair(rsa, { id: 'did:india' }),
  trustedKeyFromKeyPair(ed, { id: 'did:india' }),
]);
const now = new Date('2022-01-01T00:00:00Z');
const VECTOR = 'divoc/signed/rsa2018-cowinctx-valid.json';

/** The vector's text with `member` inserted as the first member of the object that starts at `"<after>": {`. */
function insertMember(text: string, after: string, member: string): string {
  const at = text.indexOf(`"${after}"`);
  const brace = text.indexOf('{', at);
  expect(at).toBeGreaterThanOrEqual(0);
  return `${text.slice(0, brace + 1)}${member},${text.slice(brace + 1)}`;
}

describe('W3C VC: forbidden JSON members fail decode with ERR_JSON_FORBIDDEN_KEY', () => {
  it('control: the untampered certificate verifies', async () => {
    const result = await verifyCredential(JSON.parse(vectorText(VECTOR)), { trust: trustStore, now });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each([
    ['credentialSubject', '"__proto__": {"name": "Evil", "isAdmin": true}'],
    ['credentialSubject', '"constructor": {"prototype": {"name": "Evil"}}'],
    ['address', '"prototype": "Evil"'],
    ['proof', '"__proto__": {"verificationMethod": "did:evil"}'],
  ])('inserted into %s: %s', async (where, member) => {
    const tampered = JSON.parse(insertMember(vectorText(VECTOR), where, member)) as Record<string, unknown>;
    const result = await verifyCredential(tampered, { trust: trustStore, now });
    expect(result.valid).toBe(false);
    expect(result.checks).toEqual([
      {
        name: 'decode',
        ok: false,
        code: 'ERR_JSON_FORBIDDEN_KEY',
        message: expect.stringMatching(/forbidden member name .* at \$\./),
      },
    ]);
  });

  it('at the top level of the credential', async () => {
    const tampered = JSON.parse(`{"__proto__": {"issuer": "did:evil"},${vectorText(VECTOR).trim().slice(1)}`) as Record<
      string,
      unknown
    >;
    const result = await verifyCredential(tampered, { trust: trustStore, now });
    expect(result.checks).toEqual([
      { name: 'decode', ok: false, code: 'ERR_JSON_FORBIDDEN_KEY', message: expect.stringContaining('$.__proto__') },
    ]);
  });

  it(
    'the proof.jws header is read strictly too: a duplicate member fails the signature check with ' +
      'ERR_JSON_DUPLICATE_KEY',
    async () => {
      const credential = JSON.parse(vectorText(VECTOR)) as { proof: { jws: string } };
      const [, , signature] = credential.proof.jws.split('.');
      const header = Buffer.from('{"alg":"PS256","b64":false,"crit":["b64"],"b64":false}').toString('base64url');
      credential.proof.jws = `${header}..${signature}`;
      const result = await verifyCredential(credential, { trust: trustStore, now });
      expect(result.valid).toBe(false);
      expect(result.checks.find((c) => c.name === 'signature')).toMatchObject({
        ok: false,
        code: 'ERR_JSON_DUPLICATE_KEY',
      });
    },
  );

  it('VcUnsafeJsonError is a VcError carrying the JSON code', () => {
    const error = new VcUnsafeJsonError('x', { code: 'ERR_JSON_FORBIDDEN_KEY' });
    expect(isVcError(error)).toBe(true);
    expect(error.code).toBe('ERR_JSON_FORBIDDEN_KEY');
  });
});
