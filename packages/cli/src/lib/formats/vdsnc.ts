import { X509Certificate } from 'node:crypto';
import { decodeVdsnc, detectVdsnc } from '@divoc/vdsnc';
import type { DecodableFormat, RawInput } from './types.js';

function sealText(input: RawInput): string | undefined {
  if (input.chunks || input.text === undefined) return undefined;
  const text = input.text.replace(/^\uFEFF/, '').trim();
  return text.startsWith('{') && detectVdsnc(text) ? text : undefined;
}

/** An ICAO VDS-NC seal (JSON), with its signer certificate's facts in the header. */
export const vdsncFormat: DecodableFormat = {
  format: 'vdsnc',
  accepts: (input) => sealText(input) !== undefined,
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
