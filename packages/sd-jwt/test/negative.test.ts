import { beforeAll, describe, expect, it } from 'vitest';
import { base64urlEncode, sha256, TrustStore } from '@divoc/keys';
import { Trust, verify } from '@divoc/verifier';
import {
  checkStatusListEntry,
  createStatusListToken,
  issueSdJwtVc,
  loadJwtVcIssuerMetadata,
  parseSdJwt,
  presentSdJwtVc,
  verifySdJwtVc,
  type VerifySdJwtVcOptions,
} from '@divoc/sd-jwt';
import {
  AUDIENCE,
  b64,
  forgeJwt,
  holderKey,
  ISSUED_AT,
  ISSUER,
  issuerKey,
  NONCE,
  NOW,
  OTHER_ISSUER,
  partJson,
  vaccination,
  type IssuerKey,
} from './helpers.js';

let key: IssuerKey;
let other: IssuerKey;
let holder: Awaited<ReturnType<typeof holderKey>>;
let store: TrustStore;
let sdJwt: string;
let presentation: string;
const STATUS_URI = `${ISSUER}/status/1`;

beforeAll(async () => {
  key = await issuerKey();
  other = await issuerKey(OTHER_ISSUER);
  holder = await holderKey();
  store = new TrustStore();
  loadJwtVcIssuerMetadata(key.metadata, { trust: store });
  loadJwtVcIssuerMetadata(other.metadata, { trust: store });
  sdJwt = await issueSdJwtVc(vaccination(), {
    signer: key.signer,
    issuer: ISSUER,
    holderPublicKey: holder.jwk,
    issuedAt: ISSUED_AT,
    expiresAt: new Date('2025-03-01T00:00:00Z'),
    status: { uri: STATUS_URI, idx: 3 },
  });
  presentation = await present(sdJwt);
});

const present = (input: string, overrides: Partial<Parameters<typeof presentSdJwtVc>[1]> = {}) =>
  presentSdJwtVc(input, {
    disclose: ['name', 'vaccination_date'],
    holderSigner: holder.signer,
    nonce: NONCE,
    audience: AUDIENCE,
    issuedAt: NOW,
    ...overrides,
  });

const expectKb = { keyBinding: { nonce: NONCE, audience: AUDIENCE } };
/** Failed checks as `name:CODE`. */
async function failures(input: unknown, options: Partial<VerifySdJwtVcOptions> = {}): Promise<string[]> {
  const result = await verifySdJwtVc(input, { trust: store, now: NOW, ...options });
  const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}:${c.code}`);
  expect(result.valid).toBe(failed.length === 0);
  return failed;
}

/** The issuer JWT re-signed by `signer` with a changed header/payload, the rest of the SD-JWT kept. */
async function resigned(
  edit: (header: Record<string, unknown>, payload: Record<string, unknown>) => void,
  signer = key.signer,
  input = sdJwt,
): Promise<string> {
  const [jwt, ...rest] = input.split('~');
  const [h, p] = jwt!.split('.');
  const header = partJson(h!);
  const payload = partJson(p!);
  edit(header, payload);
  return [await forgeJwt(header, payload, signer), ...rest].join('~');
}

const disclosureOf = (name: string, value: unknown, salt = 'c2FsdHNhbHQ') => b64([salt, name, value]);
const digestOf = (disclosure: string) => base64urlEncode(sha256(disclosure));

describe('controls', () => {
  it('the issued SD-JWT and the presentation verify', async () => {
    expect(await failures(sdJwt)).toEqual([]);
    expect(await failures(presentation, expectKb)).toEqual([]);
  });
});

describe('the issuer JWT', () => {
  it('alg none, HS256 and RS256 are refused before any key is looked at', async () => {
    for (const alg of ['none', 'HS256', 'RS256', 'ES384', undefined]) {
      const [jwt, ...rest] = sdJwt.split('~');
      const [h, p, s] = jwt!.split('.');
      const header = { ...partJson(h!), alg };
      const forged = [`${b64(header)}.${p}.${alg === 'none' ? '' : s}`, ...rest].join('~');
      expect(await failures(forged), String(alg)).toEqual(['decode:ERR_SDJWT_HEADER_INVALID']);
    }
    expect(await failures(await resigned(() => {}))).toEqual([]); // control: re-signed unchanged
  });

  it('algorithm/key-type confusion: EdDSA header over an ES256 key id is a bad signature', async () => {
    const forged = await resigned((h) => (h.alg = 'EdDSA'));
    expect(await failures(forged)).toEqual(['signature:ERR_SDJWT_SIGNATURE_INVALID']);
    const result = await verifySdJwtVc(forged, { trust: store, now: NOW });
    expect(result.checks.find((c) => c.name === 'signature')?.message).toMatch(/algorithm\/key-type/);
    expect(await failures(await resigned((h) => (h.alg = 'ES256')))).toEqual([]);
  });

  it('typ must be dc+sd-jwt or vc+sd-jwt', async () => {
    for (const typ of ['JWT', 'kb+jwt', undefined])
      expect(await failures(await resigned((h) => (h.typ = typ))), String(typ)).toEqual([
        'decode:ERR_SDJWT_HEADER_INVALID',
      ]);
    expect(await failures(await resigned((h) => (h.typ = 'vc+sd-jwt')))).toEqual([]);
  });

  it('a changed payload breaks the signature', async () => {
    const [jwt, ...rest] = sdJwt.split('~');
    const [h, p, s] = jwt!.split('.');
    const payload = { ...partJson(p!), vct: 'urn:other' };
    expect(await failures([`${h}.${b64(payload)}.${s}`, ...rest].join('~'))).toEqual([
      'signature:ERR_SDJWT_SIGNATURE_INVALID',
    ]);
  });

  it('issuer binding: a key trusted for another issuer signing with this iss is refused', async () => {
    const forged = await resigned((h) => (h.kid = other.kid), other.signer);
    expect(await failures(forged)).toEqual(['trust:ERR_TRUST_ISSUER_MISMATCH']);
    const trust = new Trust();
    trust.add(key.metadata);
    trust.add(other.metadata);
    const result = await verify(forged, { trust, now: NOW });
    expect(result.valid).toBe(false);
    expect(result.checks.find((c) => c.name === 'trust')).toMatchObject({
      ok: false,
      code: 'ERR_TRUST_ISSUER_MISMATCH',
    });
    // Control: the other issuer's key signing its own iss is VALID and named from the trust.
    const own = await resigned((h, p) => ((h.kid = other.kid), (p.iss = OTHER_ISSUER)), other.signer);
    expect(await failures(own)).toEqual([]);
    const ownResult = await verify(own, { trust, now: NOW });
    expect(ownResult.valid).toBe(true);
    expect(ownResult.issuer).toBe(OTHER_ISSUER);
  });

  it('an untrusted key is refused (control: the trusted one)', async () => {
    const stranger = await issuerKey();
    expect(await failures(await resigned((h) => (h.kid = stranger.kid), stranger.signer))).toEqual([
      'signature:ERR_SDJWT_KEY_NOT_TRUSTED',
      'trust:ERR_SDJWT_KEY_NOT_TRUSTED',
    ]);
    expect(await failures(await resigned(() => {}, key.signer))).toEqual([]);
  });

  it('a kid naming a DID is refused (no key chosen by the credential)', async () => {
    expect(await failures(await resigned((h) => (h.kid = 'did:key:z6Mk#z6Mk')))).toEqual([
      'decode:ERR_SDJWT_HEADER_INVALID',
    ]);
  });

  it('expired and not yet valid (controls: inside the window)', async () => {
    expect(await failures(sdJwt, { now: new Date('2025-03-02T00:00:00Z') })).toEqual(['validity:ERR_SDJWT_EXPIRED']);
    expect(await failures(sdJwt, { now: new Date('2024-02-01T00:00:00Z') })).toEqual([
      'validity:ERR_SDJWT_NOT_YET_VALID',
    ]);
    expect(await failures(sdJwt, { now: new Date('2025-02-28T00:00:00Z') })).toEqual([]);
  });
});

describe('disclosures', () => {
  it('a changed disclosure matches no digest', async () => {
    const parts = presentation.split('~');
    parts[1] = disclosureOf('name', 'Somebody Else');
    expect(await failures(parts.join('~'))).toEqual(['decode:ERR_SDJWT_DISCLOSURE_INVALID']);
  });

  it('a disclosure from elsewhere (digest not in the payload) is refused', async () => {
    const parts = sdJwt.split('~');
    parts.splice(1, 0, disclosureOf('extra', 'x'));
    expect(await failures(parts.join('~'))).toEqual(['decode:ERR_SDJWT_DISCLOSURE_INVALID']);
  });

  it('a disclosure given twice, a digest listed twice, a claim disclosed over a visible one', async () => {
    const parts = sdJwt.split('~');
    expect(await failures([parts[0], parts[1], ...parts.slice(1)].join('~'))).toEqual([
      'decode:ERR_SDJWT_DISCLOSURE_INVALID',
    ]);
    const repeated = await resigned((_h, p) => (p._sd = [...(p._sd as string[]), (p._sd as string[])[0]]));
    expect(await failures(repeated)).toEqual(['decode:ERR_SDJWT_DISCLOSURE_INVALID']);
    // A visible `name` and a disclosed one: duplicate claim name.
    const dup = await resigned((_h, p) => (p.name = 'Visible'));
    expect(await failures(dup)).toEqual(['decode:ERR_SDJWT_DISCLOSURE_INVALID']);
    // A disclosure may not set iss/exp/cnf/status: a signed digest for `exp` is still refused.
    const exp = disclosureOf('exp', 9999999999);
    const withExp = await resigned((_h, p) => {
      p._sd = [...(p._sd as string[]), digestOf(exp)];
      delete p.exp;
    });
    expect(await failures(withExp.replace(/~$/, `~${exp}~`))).toEqual(['decode:ERR_SDJWT_DISCLOSURE_INVALID']);
    // Control: a decoy digest (no disclosure) is fine.
    const decoy = await resigned((_h, p) => (p._sd = [...(p._sd as string[]), digestOf('decoy')]));
    expect(await failures(decoy)).toEqual([]);
  });

  it('malformed disclosures: not base64url, not an array, reserved names, empty salt', async () => {
    for (const bad of [
      '!!',
      b64('{"a":1}'),
      b64(['s', '_sd', 1]),
      b64(['s', '...', 1]),
      b64(['', 'n', 1]),
      b64([1, 2, 3, 4]),
    ]) {
      const parts = sdJwt.split('~');
      parts.splice(1, 0, bad);
      expect(await failures(parts.join('~')), bad).toEqual(['decode:ERR_SDJWT_DISCLOSURE_INVALID']);
    }
  });

  it('duplicate members in disclosure JSON and in the payload', async () => {
    const parts = sdJwt.split('~');
    parts.splice(1, 0, b64('["s","n",{"a":1,"a":2}]'));
    expect(await failures(parts.join('~'))).toEqual(['decode:ERR_JSON_DUPLICATE_KEY']);
    const proto = sdJwt.split('~');
    proto.splice(1, 0, b64(['s', '__proto__', { iss: 'https://evil.example' }]));
    expect(await failures(proto.join('~'))).toEqual(['decode:ERR_JSON_FORBIDDEN_KEY']);
    const [jwt, ...rest] = sdJwt.split('~');
    const [h, p] = jwt!.split('.');
    const text = new TextDecoder().decode(
      Uint8Array.from(atob(p!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    );
    const payload = text.replace(/^\{/, '{"iss":"https://evil.example",');
    const forged = `${h}.${b64(payload)}`;
    const signed = `${forged}.${base64urlEncode(await key.signer.sign(new TextEncoder().encode(forged)))}`;
    expect(await failures([signed, ...rest].join('~'))).toEqual(['decode:ERR_JSON_DUPLICATE_KEY']);
  });
});

describe('bounded parsing', () => {
  it('caps length, disclosures and depth (controls: under the caps)', async () => {
    expect(await failures(sdJwt, { limits: { maxLength: 100 } })).toEqual(['decode:ERR_SDJWT_INPUT_TOO_LARGE']);
    const count = sdJwt.split('~').length - 2;
    expect(await failures(sdJwt, { limits: { maxDisclosures: count - 1 } })).toEqual([
      'decode:ERR_SDJWT_INPUT_TOO_LARGE',
    ]);
    expect(await failures(sdJwt, { limits: { maxDisclosures: count } })).toEqual([]);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const nested = disclosureOf('nested', deep);
    const withDeep = await resigned((_h, p) => (p._sd = [...(p._sd as string[]), digestOf(nested)]));
    expect(await failures(withDeep.replace(/~$/, `~${nested}~`))).toEqual(['decode:ERR_SDJWT_INPUT_TOO_LARGE']);
    const shallow = disclosureOf('nested', { d: { d: 1 } });
    const withShallow = await resigned((_h, p) => (p._sd = [...(p._sd as string[]), digestOf(shallow)]));
    expect(await failures(withShallow.replace(/~$/, `~${shallow}~`))).toEqual([]);
  });

  it('not an SD-JWT: no "~", not a string, empty disclosure', async () => {
    expect(await failures(sdJwt.split('~')[0])).toEqual(['decode:ERR_SDJWT_INPUT_INVALID']);
    expect(await failures(42)).toEqual(['decode:ERR_SDJWT_INPUT_INVALID']);
    expect(await failures(sdJwt.replace('~', '~~'))).toEqual(['decode:ERR_SDJWT_MALFORMED']);
    expect(() => parseSdJwt(sdJwt)).not.toThrow();
  });
});

describe('key binding', () => {
  it('missing KB-JWT when required (control: present)', async () => {
    expect(await failures(sdJwt, expectKb)).toEqual(['key-usage:ERR_SDJWT_KEY_BINDING_MISSING']);
    expect(await failures(sdJwt, { keyBinding: { required: true } })).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_MISSING',
    ]);
    expect(await failures(presentation, { keyBinding: { required: true } })).toEqual([]);
  });

  it('wrong nonce, wrong audience, stale and future iat (controls: the expected ones)', async () => {
    expect(await failures(presentation, { keyBinding: { nonce: 'other', audience: AUDIENCE } })).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_INVALID',
    ]);
    expect(await failures(presentation, { keyBinding: { nonce: NONCE, audience: 'https://evil.example' } })).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_INVALID',
    ]);
    expect(await failures(presentation, { ...expectKb, now: new Date(NOW.getTime() + 301_000) })).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_INVALID',
    ]);
    expect(await failures(presentation, { ...expectKb, now: new Date(NOW.getTime() + 299_000) })).toEqual([]);
    expect(await failures(presentation, { ...expectKb, now: new Date(NOW.getTime() - 60_000) })).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_INVALID',
    ]);
  });

  it('a disclosure added or removed after the KB-JWT breaks sd_hash', async () => {
    const parts = presentation.split('~');
    const kb = parts.pop()!;
    const all = sdJwt.split('~').slice(1, -1);
    const extra = all.find((d) => !parts.includes(d))!;
    expect(await failures([...parts, extra, kb].join('~'), expectKb)).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_INVALID',
    ]);
    expect(await failures([parts[0], parts[1], kb].join('~'), expectKb)).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_INVALID',
    ]);
    expect(await failures([...parts, kb].join('~'), expectKb)).toEqual([]);
  });

  it('a KB-JWT signed by another key than cnf is refused', async () => {
    const thief = await holderKey();
    const stolen = await presentSdJwtVc(sdJwt, {
      disclose: ['name'],
      holderSigner: thief.signer,
      nonce: NONCE,
      audience: AUDIENCE,
      issuedAt: NOW,
    });
    expect(await failures(stolen, expectKb)).toEqual(['key-usage:ERR_SDJWT_KEY_BINDING_INVALID']);
  });

  it('a KB-JWT on a credential without cnf is refused', async () => {
    const unbound = await resigned((_h, p) => delete p.cnf);
    const parts = presentation.split('~');
    expect(await failures([unbound.split('~')[0], ...parts.slice(1)].join('~'))).toEqual([
      'key-usage:ERR_SDJWT_KEY_BINDING_MISSING',
    ]);
  });
});

describe('Token Status List', () => {
  const token = (statuses: number[], signer = key.signer, overrides: { uri?: string; issuer?: string } = {}) =>
    createStatusListToken({
      signer,
      issuer: overrides.issuer ?? ISSUER,
      uri: overrides.uri ?? STATUS_URI,
      statuses,
      issuedAt: NOW,
      expiresAt: new Date(NOW.getTime() + 86_400_000),
    });

  it('a valid entry passes, a revoked or suspended one fails', async () => {
    expect(await failures(sdJwt, { statusList: await token([0, 0, 0, 0, 1]) })).toEqual([]);
    expect(await failures(sdJwt, { statusList: await token([0, 0, 0, 1]) })).toEqual(['revocation:ERR_SDJWT_REVOKED']);
    const twoBits = await createStatusListToken({
      signer: key.signer,
      issuer: ISSUER,
      uri: STATUS_URI,
      statuses: [0, 0, 0, 2],
      bits: 2,
    });
    expect(await failures(sdJwt, { statusList: twoBits })).toEqual(['revocation:ERR_SDJWT_REVOKED']);
  });

  it('a list signed by another issuer, for another uri, expired, or too short is refused', async () => {
    expect(await failures(sdJwt, { statusList: await token([0, 0, 0, 0], other.signer) })).toEqual([
      'revocation:ERR_SDJWT_STATUS_LIST_INVALID',
    ]);
    expect(
      await failures(sdJwt, { statusList: await token([0, 0, 0, 0], key.signer, { uri: `${ISSUER}/x` }) }),
    ).toEqual(['revocation:ERR_SDJWT_STATUS_LIST_INVALID']);
    expect(
      await failures(sdJwt, { statusList: await token([0, 0, 0, 0]), now: new Date(NOW.getTime() + 2 * 86_400_000) }),
    ).toEqual(['revocation:ERR_SDJWT_STATUS_LIST_INVALID']);
    const entry = { uri: STATUS_URI, idx: 9 };
    await expect(
      checkStatusListEntry(await token([0]), entry, { trust: store, issuer: ISSUER, now: NOW }),
    ).rejects.toMatchObject({
      code: 'ERR_SDJWT_STATUS_LIST_INVALID',
    });
    expect(
      await checkStatusListEntry(await token([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), entry, {
        trust: store,
        issuer: ISSUER,
        now: NOW,
      }),
    ).toBe(1);
  });

  it('a status list that inflates past the budget is refused before the library inflates it', async () => {
    const { deflateZlib } = await import('@divoc/keys');
    const bomb = base64urlEncode(deflateZlib(new Uint8Array(8 * 1024 * 1024)));
    const forged = await forgeJwt(
      { alg: 'ES256', typ: 'statuslist+jwt', kid: key.kid },
      { sub: STATUS_URI, iat: 1, status_list: { bits: 1, lst: bomb } },
      key.signer,
    );
    await expect(
      checkStatusListEntry(forged, { uri: STATUS_URI, idx: 0 }, { trust: store, issuer: ISSUER, now: NOW }),
    ).rejects.toMatchObject({ code: 'ERR_SDJWT_STATUS_LIST_INVALID' });
  });
});
