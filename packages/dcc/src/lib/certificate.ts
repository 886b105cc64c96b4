import { parseCertificate, base64Encode, base64Decode, sha256 } from '@divoc/keys';
import { DccCertificateError } from './errors.js';

const MAX_CERTIFICATE_BYTES = 65_536;

/** DER bytes of a certificate given as PEM, base64 DER or DER. */
export function certificateDer(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length === 0 || input.length > MAX_CERTIFICATE_BYTES)
      throw new DccCertificateError('certificate DER has an implausible size');
    return new Uint8Array(input);
  }
  if (typeof input !== 'string') throw new DccCertificateError('certificate must be PEM, base64 DER or DER bytes');
  if (input.length > MAX_CERTIFICATE_BYTES * 2) throw new DccCertificateError('certificate text is too long');
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(input);
  try {
    const der = base64Decode(pem ? pem[1]! : input);
    if (der.length === 0) throw new TypeError('empty');
    return der;
  } catch (cause) {
    throw new DccCertificateError('certificate is neither PEM nor base64 DER', { cause });
  }
}

/** The country (`C`) of a certificate's subject, upper-case, when it has one. */
export function certificateCountry(input: string | Uint8Array): string | undefined {
  try {
    const country = parseCertificate(certificateDer(input)).subject.country;
    return typeof country === 'string' && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : undefined;
  } catch {
    return undefined;
  }
}

/** EU DCC kid of a certificate: the first 8 bytes of SHA-256 over its DER. */
export async function certificateKid(input: string | Uint8Array): Promise<Uint8Array> {
  // A plain hash needs no WebCrypto: @noble's SHA-256 works in every runtime, also without `crypto.subtle`.
  return sha256(certificateDer(input)).subarray(0, 8);
}

/** Same, as base64 (the form trust lists and `TrustStore` ids use). */
export async function certificateKidBase64(input: string | Uint8Array): Promise<string> {
  return base64Encode(await certificateKid(input));
}
