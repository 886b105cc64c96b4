import { X509Certificate } from 'node:crypto';
import { decodeVdsnc, detectVdsnc, verifyVdsnc } from '@divoc/vdsnc';
import type { RawInput, VerifiableFormat } from './types.js';

function sealText(input: RawInput): string | undefined {
  if (input.chunks || input.text === undefined) return undefined;
  const text = input.text.replace(/^\uFEFF/, '').trim();
  return text.startsWith('{') && detectVdsnc(text) ? text : undefined;
}

/** An ICAO VDS-NC seal (JSON); trusted CSCAs are the certificates in the trust store. */
export const vdsncFormat: VerifiableFormat = {
  format: 'vdsnc',
  probe(input) {
    const text = sealText(input);
    if (text === undefined) return undefined;
    return async (ctx) => {
      const result = await verifyVdsnc(text, { trustStore: ctx.trustStore, ...(ctx.now ? { now: ctx.now } : {}) });
      return { format: 'vdsnc', valid: result.valid, issuer: result.issuer ?? null, checks: result.checks };
    };
  },
  decode(input) {
    const decoded = decodeVdsnc(sealText(input) ?? '');
    const header: Record<string, unknown> = { type: decoded.type, issuingCountry: decoded.issuingCountry, alg: decoded.algorithm };
    try {
      const cert = new X509Certificate(decoded.signerCertificate);
      header.signer = { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), validFrom: new Date(cert.validFrom).toISOString(), validTo: new Date(cert.validTo).toISOString() };
    } catch {
      header.signer = null;
    }
    return { payload: decoded.seal, header };
  },
};
