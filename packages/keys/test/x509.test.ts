import { X509Certificate, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CertificateInvalidError,
  base64Decode,
  dccKid,
  parseCertificate,
  verifyCertificateSignature,
  type X509CertificateInfo,
} from '@divoc/keys';
import { vectorFiles, vectorJson, vectorText } from '../../../test/support/vectors.js';

/** Every distinct TESTCTX.CERTIFICATE in dgc-testdata. */
function dgcCertificates(): string[] {
  const found = new Set<string>();
  for (const file of vectorFiles('dcc/dgc-testdata', '.json', { recursive: true })) {
    let json: { TESTCTX?: { CERTIFICATE?: unknown } };
    try {
      json = JSON.parse(vectorText(file));
    } catch {
      continue;
    }
    const cert = json.TESTCTX?.CERTIFICATE;
    if (typeof cert === 'string' && cert.length > 0) found.add(cert.replace(/\s+/g, ''));
  }
  return [...found];
}

function vdsncCertificates(): Uint8Array[] {
  const csca = base64Decode(vectorText('vdsnc/au-csca-root.der.b64'));
  const seal = vectorJson<{ sig: { cer: string } }>('vdsnc/au-citizen-john-valid.json');
  const signer = base64Decode(seal.sig.cer.replace(/-/g, '+').replace(/_/g, '/'));
  return [csca, signer];
}

/** node escapes special characters in names (RFC 2253 style); compare the plain values. */
const nodeValues = (text: string) => text.split('\n').map((l) => l.slice(l.indexOf('=') + 1).replace(/\\(.)/g, '$1'));

function compareWithNode(der: Uint8Array, info: X509CertificateInfo): void {
  const node = new X509Certificate(der);
  expect(info.notBefore.getTime()).toBe(new Date(node.validFrom).getTime());
  expect(info.notAfter.getTime()).toBe(new Date(node.validTo).getTime());
  // Same attributes in the same order (node prints one `name=value` per line).
  const nodeSubject = nodeValues(node.subject);
  expect(info.subject.attributes.map((a) => a.value)).toEqual(nodeSubject);
  const nodeIssuer = nodeValues(node.issuer);
  expect(info.issuer.attributes.map((a) => a.value)).toEqual(nodeIssuer);
  const country = /^C=(.*)$/m.exec(node.subject)?.[1];
  expect(info.subject.country).toBe(country);
  expect(info.serialNumber.replace(/^0+/, '')).toBe(node.serialNumber.toUpperCase().replace(/^0+/, ''));
  const eku = (node as { keyUsage?: string[] }).keyUsage;
  expect(info.extendedKeyUsage ?? []).toEqual(eku ?? []);
  expect(info.basicConstraints?.ca ?? false).toBe(node.ca);
  const nodeJwk = node.publicKey.export({ format: 'jwk' });
  for (const member of ['kty', 'crv', 'x', 'y', 'n', 'e'] as const) {
    expect((info.publicKey.jwk as Record<string, unknown>)[member], member).toBe(
      (nodeJwk as Record<string, unknown>)[member],
    );
  }
  // The SPKI we kept is the one node reads.
  expect(
    createPublicKey({ key: Buffer.from(info.publicKey.spki), format: 'der', type: 'spki' }).export({ format: 'jwk' }),
  ).toEqual(nodeJwk);
}

describe('parseCertificate (no node:crypto) matches node:crypto X509Certificate', () => {
  const dgc = dgcCertificates();

  it(`reads all ${dgc.length} distinct dgc-testdata signer certificates`, async () => {
    expect(dgc.length).toBeGreaterThan(20);
    let selfChecked = 0;
    for (const b64 of dgc) {
      const der = base64Decode(b64);
      const info = parseCertificate(der);
      compareWithNode(der, info);
      expect(dccKid(der)).toBe(Buffer.from(info.sha256Hex, 'hex').subarray(0, 8).toString('base64'));
      // Self-signed DSCs (most test DSCs are) verify with their own key, as node says.
      const node = new X509Certificate(der);
      if (node.checkIssued(node)) {
        expect(await verifyCertificateSignature(info, info)).toBe(node.verify(node.publicKey));
        selfChecked++;
      }
    }
    expect(selfChecked).toBeGreaterThanOrEqual(0);
  });

  it('reads the VDS-NC CSCA and signer certificates and checks the chain', async () => {
    const [cscaDer, signerDer] = vdsncCertificates();
    const csca = parseCertificate(cscaDer!);
    const signer = parseCertificate(signerDer!);
    compareWithNode(cscaDer!, csca);
    compareWithNode(signerDer!, signer);
    expect(csca.subject.country).toBe('AU');
    expect(csca.basicConstraints?.ca).toBe(true);
    expect(csca.keyUsage).toContain('keyCertSign');
    expect(signer.extendedKeyUsage).toContain('2.23.136.1.1.14.2');
    expect(signer.authorityKeyIdentifier).toEqual(csca.subjectKeyIdentifier);
    expect(await verifyCertificateSignature(signer, csca)).toBe(true);
    expect(await verifyCertificateSignature(csca, csca)).toBe(true);
    // Wrong issuer, tampered TBS: false, never a throw.
    expect(await verifyCertificateSignature(csca, signer)).toBe(false);
    const tampered = { ...signer, tbs: signer.tbs.slice() };
    tampered.tbs[tampered.tbs.length - 5]! ^= 1;
    expect(await verifyCertificateSignature(tampered, csca)).toBe(false);
    // Unknown extensions stay available raw.
    expect(signer.extensions.some((e) => e.oid === '2.23.136.1.1.6.2')).toBe(true);
  });

  it('accepts PEM and base64 DER', () => {
    const [cscaDer] = vdsncCertificates();
    const pem = new X509Certificate(cscaDer!).toString();
    expect(parseCertificate(pem).sha256Hex).toBe(parseCertificate(cscaDer!).sha256Hex);
    expect(parseCertificate(Buffer.from(cscaDer!).toString('base64')).sha256Hex).toBe(
      parseCertificate(cscaDer!).sha256Hex,
    );
  });

  it('answers hostile input with CertificateInvalidError', () => {
    const [cscaDer] = vdsncCertificates();
    const cases: unknown[] = [
      new Uint8Array(0),
      cscaDer!.subarray(0, 100),
      cscaDer!.subarray(0, cscaDer!.length - 1),
      Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0x30, 0x80, 0, 0),
      new Uint8Array(70_000),
      'not base64 !!',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      42,
      { der: cscaDer },
    ];
    for (const input of cases) {
      let code: string | undefined;
      try {
        parseCertificate(input as Uint8Array);
      } catch (err) {
        code = (err as CertificateInvalidError).code;
      }
      expect(code, String(input).slice(0, 30)).toBe('ERR_CERTIFICATE_INVALID');
    }
    // Deep nesting / many elements stay bounded.
    const extra = new Uint8Array([...cscaDer!, 0x00]);
    expect(() => parseCertificate(extra)).toThrow(CertificateInvalidError);
  });
});
