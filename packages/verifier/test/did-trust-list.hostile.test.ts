import { describe, expect, it } from 'vitest';
import { Trust, TrustInvalidError } from '../src/index.js';
import { MAX_DID_TRUST_LIST_ENTRIES } from '../src/trust/did-trust-list.js';
import { vectorJson, vectorText } from './helpers.js';

/**
 * Hostile DID trust lists: each is refused with a typed error (`TrustInvalidError`, a stable `reason` where there is
 * one) and a message that quotes untrusted ids cut short, never a crash or a hang. The control beside each is the
 * same material made sound, which loads.
 */
type Doc = { '@context': unknown; id: string; verificationMethod: Record<string, unknown>[] };
const excerpt = (): Doc => vectorJson<Doc>('who/trustlist-test-excerpt.did.json') as unknown as Doc;
/** One single-certificate signer entry of the excerpt (loads synchronously). */
const entry = (): Record<string, unknown> =>
  excerpt().verificationMethod.find(
    (vm) => (vm.publicKeyJwk as { x5c: string[] }).x5c.length === 1 && String(vm.id).includes('428FOlUxNRM'),
  ) ?? excerpt().verificationMethod.find((vm) => (vm.publicKeyJwk as { x5c: string[] }).x5c.length === 1)!;
const list = (vms: unknown[]) => ({ '@context': excerpt()['@context'], id: excerpt().id, verificationMethod: vms });

function refusal(action: () => unknown): TrustInvalidError {
  let error: unknown;
  try {
    action();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a refusal').toBeInstanceOf(TrustInvalidError);
  return error as TrustInvalidError;
}

describe('hostile DID trust lists', () => {
  it('control: one sound entry loads', () => {
    expect(new Trust().add(list([entry()]))).toMatchObject({ kind: 'did-trust-list', keys: 1 });
  });

  it('truncated JSON is refused as invalid JSON', async () => {
    const text = vectorText('who/trustlist-test-excerpt.did.json');
    const error = refusal(() => new Trust().add(text.slice(0, text.length / 2)));
    expect(error.message).toMatch(/not valid JSON/);
    expect((await new Trust().load(text)).kind).toBe('did-trust-list');
  });

  it(`more than ${MAX_DID_TRUST_LIST_ENTRIES} entries are refused before any is read`, () => {
    const refs = Array.from({ length: MAX_DID_TRUST_LIST_ENTRIES + 1 }, (_, i) => `did:web:x.example:k:${i}#${i}`);
    const started = Date.now();
    const error = refusal(() => new Trust().add(list(refs)));
    expect(error.message).toMatch(/more than 100000/);
    expect(Date.now() - started).toBeLessThan(5000);
    // Control: the limit itself loads (references only, all unresolved).
    const summary = new Trust().add(list(refs.slice(0, MAX_DID_TRUST_LIST_ENTRIES)));
    expect(summary).toMatchObject({ references: MAX_DID_TRUST_LIST_ENTRIES, unresolvedReferences: 100_000 });
  });

  it('deep nesting is refused (as text by the strict parser; as an object by the list reader)', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200; i++) deep = { a: deep };
    const vm = { ...entry(), extra: deep };
    expect(refusal(() => new Trust().add(JSON.stringify(list([vm])))).message).toMatch(/deep|nest/i);
    expect(refusal(() => new Trust().add(list([vm]))).message).toMatch(/deeper/);
  });

  it('duplicate members and duplicate entry ids are refused', () => {
    const text = JSON.stringify(list([entry()]));
    const doubled = text.replace('"id":', '"id":"did:web:evil.example","id":');
    expect(refusal(() => new Trust().add(doubled)).message).toMatch(/twice|duplicate/i);
    expect(refusal(() => new Trust().add(list([entry(), entry()]))).message).toMatch(/listed twice/);
  });

  it('non-string and oversized ids are refused, the message quoting them cut short', () => {
    expect(refusal(() => new Trust().add(list([{ ...entry(), id: 42 }]))).message).toMatch(/\.id must be/);
    expect(refusal(() => new Trust().add({ ...list([entry()]), id: 'did:' + 'x'.repeat(5000) })).message).toMatch(
      /longer than 2048/,
    );
    const long = `not-a-did-${'y'.repeat(1500)}`;
    const error = refusal(() => new Trust().add(list([{ ...entry(), id: long }])));
    expect(error.message).not.toContain(long);
    expect(error.message.length).toBeLessThan(400);
    // Nothing in it looks like a trust list: read as a plain DID document, refused all the same.
    expect(refusal(() => new Trust().add(list([7]))).message).toMatch(/verificationMethod\[0\]/);
    expect(refusal(() => new Trust().add(list([{ ...entry(), publicKeyJwk: 'x' }]))).message).toMatch(/JWK object/);
  });

  it('bogus x5c: the entry is refused with its reason; a list of nothing else is refused whole', () => {
    const good = entry();
    const jwk = good.publicKeyJwk as { x5c: string[] };
    const bogus = [
      { ...jwk, x5c: 'MIIB' },
      { ...jwk, x5c: [] },
      { ...jwk, x5c: [42] },
      { ...jwk, x5c: ['%%%not base64%%%'] },
      { ...jwk, x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] },
      { ...jwk, x5c: [jwk.x5c[0], jwk.x5c[0], jwk.x5c[0]] },
      { ...jwk, x: 'AAAA', x5c: jwk.x5c },
    ];
    for (const publicKeyJwk of bogus) {
      const error = refusal(() => new Trust().add(list([{ ...good, publicKeyJwk }])));
      expect(error.reason).toMatch(/^ERR_DID_TRUST_(CERTIFICATE|KEY_MISMATCH)$/);
      // With a sound entry beside it, the sound one loads and the bogus one is counted.
      const other = excerpt().verificationMethod.find(
        (vm) => vm.id !== good.id && (vm.publicKeyJwk as { x5c: string[] }).x5c.length === 1,
      )!;
      const summary = new Trust().add(list([{ ...good, publicKeyJwk }, other]));
      expect(summary.refused).toBe(1);
      expect((summary.keys ?? 0) + (summary.cscas ?? 0)).toBe(1);
    }
  });

  it('private key material in a JWK refuses the list', () => {
    const good = entry();
    const error = refusal(() =>
      new Trust().add(list([{ ...good, publicKeyJwk: { ...(good.publicKeyJwk as object), d: 'AAAA' } }])),
    );
    expect(error.message).toMatch(/private key/);
  });

  it('a DID trust list is never bound to an issuer from outside (its entries name their own)', () => {
    expect(refusal(() => new Trust().add(list([entry()]), { issuer: 'DE' })).message).toMatch(/without an issuer/);
  });
});
