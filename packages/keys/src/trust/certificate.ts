import { createHash, X509Certificate } from 'node:crypto';
import { base64Decode } from '../codec/base64url.js';
import { makeKeyPair, type KeyPair } from '../key/key-pair.js';
import { KeyError, KeyInvalidError } from '../lib/errors.js';
import { findPemBlock } from '../lib/pem.js';
import type { KeyPurpose } from '../types.js';

const MAX_CERTIFICATE_LENGTH = 65_536;

/**
 * EU DCC extended key usage OIDs: .1 test, .2 vaccination, .3 recovery. Some issuers used the mistyped arc
 * `1.3.6.1.4.1.0.1847…` and verifiers accept both.
 */
const DCC_PURPOSES: Readonly<Record<string, KeyPurpose>> = {
  '1.3.6.1.4.1.1847.2021.1.1': 'dcc-test',
  '1.3.6.1.4.1.1847.2021.1.2': 'dcc-vaccination',
  '1.3.6.1.4.1.1847.2021.1.3': 'dcc-recovery',
  '1.3.6.1.4.1.0.1847.2021.1.1': 'dcc-test',
  '1.3.6.1.4.1.0.1847.2021.1.2': 'dcc-vaccination',
  '1.3.6.1.4.1.0.1847.2021.1.3': 'dcc-recovery',
};

export interface ParsedCertificate {
  der: Uint8Array;
  keyPair: KeyPair;
  validFrom: Date;
  validUntil: Date;
  /** DCC purposes from the extended key usage; undefined when the certificate restricts none. */
  purposes?: KeyPurpose[];
  /** EU DCC kid: base64 of the first 8 bytes of SHA-256(DER). */
  kid: string;
  /** Hex SHA-256 of the DER. */
  sha256Hex: string;
}

/** Parse an X.509 certificate given as PEM, base64 DER or DER bytes. Throws KeyInvalidError / KeyUnsupportedError. */
export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  let der: Uint8Array;
  if (typeof input === 'string') {
    if (input.length > MAX_CERTIFICATE_LENGTH * 2) throw new KeyInvalidError('certificate text is too long');
    if (input.includes('-----BEGIN CERTIFICATE-----')) {
      const found = findPemBlock(input);
      if (!found || found.label !== 'CERTIFICATE') throw new KeyInvalidError('malformed PEM certificate');
      der = decodeBase64(found.body);
    } else {
      der = decodeBase64(input);
    }
  } else if (input instanceof Uint8Array) {
    der = input;
  } else {
    throw new KeyInvalidError('certificate must be a PEM / base64 string or DER bytes');
  }
  if (der.length === 0 || der.length > MAX_CERTIFICATE_LENGTH) throw new KeyInvalidError('certificate DER has an implausible size');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  } catch (err) {
    throw new KeyInvalidError('not a DER X.509 certificate', { cause: err });
  }
  let keyPair: KeyPair;
  try {
    keyPair = makeKeyPair(undefined, cert.publicKey);
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyInvalidError('certificate public key could not be read', { cause: err });
  }
  const validFrom = new Date(cert.validFrom);
  const validUntil = new Date(cert.validTo);
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validUntil.getTime())) throw new KeyInvalidError('certificate validity dates could not be read');
  const extendedKeyUsage = (cert as { keyUsage?: string[] | undefined }).keyUsage ?? [];
  const purposes = [...new Set(extendedKeyUsage.map((oid) => DCC_PURPOSES[oid]).filter((p): p is KeyPurpose => p !== undefined))];
  const digest = createHash('sha256').update(der).digest();
  const copy = new Uint8Array(der);
  return {
    der: copy,
    keyPair,
    validFrom,
    validUntil,
    ...(purposes.length > 0 ? { purposes } : {}),
    kid: digest.subarray(0, 8).toString('base64'),
    sha256Hex: digest.toString('hex'),
  };
}

function decodeBase64(text: string): Uint8Array {
  try {
    return base64Decode(text);
  } catch (err) {
    throw new KeyInvalidError('certificate is neither PEM nor base64 DER', { cause: err });
  }
}
