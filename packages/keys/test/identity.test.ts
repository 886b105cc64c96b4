import { describe, expect, it } from 'vitest';
import {
  bindIssuer,
  generateKeyPair,
  issuerKind,
  sameIssuer,
  trustedKeyFromKeyPair,
  trustedKeyIssuers,
  verificationMethodId,
} from '../src/index.js';

describe('issuer identities', () => {
  it('kinds: countries (alpha-2, alpha-3, ICAO D<<), http(s) URLs, DIDs, and free text', () => {
    expect(['IN', 'IND', 'de', 'DEU', 'D<<'].map(issuerKind)).toEqual([
      'country',
      'country',
      'country',
      'country',
      'country',
    ]);
    expect(['https://cowin.gov.in/', 'http://x.example'].map(issuerKind)).toEqual(['url', 'url']);
    expect(['did:india', 'did:web:moh.gov.lk', 'did:key:z6Mk'].map(issuerKind)).toEqual(['did', 'did', 'did']);
    // Not a country code (no such alpha-3), a ministry's name, a kid: free text.
    expect(['XYZ', 'Ministry of Health', 'Gwmv3xzreKs=', ''].map(issuerKind)).toEqual([
      'other',
      'other',
      'other',
      'other',
    ]);
  });

  it('same issuer: one country in its spellings, a URL up to case and a lone trailing slash; nothing looser', () => {
    expect(sameIssuer('IN', 'IND')).toBe(true);
    expect(sameIssuer('DE', 'D<<')).toBe(true);
    expect(sameIssuer('IN', 'ID')).toBe(false);
    expect(sameIssuer('https://COWIN.gov.in/', 'https://cowin.gov.in')).toBe(true);
    expect(sameIssuer('https://cowin.gov.in/a', 'https://cowin.gov.in/a/')).toBe(false);
    expect(sameIssuer('https://cowin.gov.in', 'http://cowin.gov.in')).toBe(false);
    expect(sameIssuer('did:web:a', 'did:web:A')).toBe(false);
    expect(sameIssuer('IN', 'https://IN')).toBe(false);
  });

  it(
    "a key's issuers: explicit ones and its controller; else its id without the fragment; a did:key always " +
      'answers for itself',
    async () => {
      const kp = await generateKeyPair('Ed25519');
      expect(trustedKeyIssuers(trustedKeyFromKeyPair(kp, { id: 'did:web:moh.gov.lk#key-1' }))).toEqual([
        'did:web:moh.gov.lk',
      ]);
      expect(trustedKeyIssuers(trustedKeyFromKeyPair(kp, { id: 'did:india' }))).toEqual(['did:india']);
      expect(
        trustedKeyIssuers(
          trustedKeyFromKeyPair(kp, {
            id: 'did:india',
            issuers: ['https://cowin.gov.in/'],
            controller: 'did:web:cowin.gov.in',
          }),
        ),
      ).toEqual(['https://cowin.gov.in/', 'did:web:cowin.gov.in']);
      const vm = verificationMethodId(kp);
      expect(trustedKeyIssuers(trustedKeyFromKeyPair(kp, { id: vm, controller: 'https://a.example/' }))).toEqual([
        'https://a.example/',
        vm.split('#')[0],
      ]);
    },
  );

  it(
    'binding: bound, mismatch (same kind, another issuer), unbound (no identity of that kind; free text ' +
      'never conflicts), unclaimed',
    () => {
      const ids = ['did:web:a.example', 'IN'];
      expect(bindIssuer(ids, 'IND')).toMatchObject({ status: 'bound', issuer: 'IND' });
      expect(bindIssuer(ids, 'did:web:b.example')).toMatchObject({ status: 'mismatch', issuer: 'did:web:a.example' });
      expect(bindIssuer(ids, 'LK')).toMatchObject({ status: 'mismatch' });
      expect(bindIssuer(ids, 'https://a.example/')).toMatchObject({ status: 'unbound', issuer: 'did:web:a.example' });
      expect(bindIssuer(['kid-1'], 'Ministry of Health')).toMatchObject({ status: 'unbound', issuer: 'kid-1' });
      expect(bindIssuer(ids, undefined)).toMatchObject({ status: 'unclaimed', issuer: 'did:web:a.example' });
    },
  );
});
