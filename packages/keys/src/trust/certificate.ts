import { base64Encode } from '../codec/base64url.js';
import { sha256 } from '../hash/sha256.js';
import { KeyError, KeyInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import { publicKeyInfoFromJwk, type PublicKeyInfo } from '../key/public-jwk.js';
import type { KeyPurpose } from '../types.js';
import { parseCertificate, type X509CertificateInfo } from '../x509/certificate.js';

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

/** A certificate as the trust store uses it. */
export interface TrustedCertificate {
  der: Uint8Array;
  key: PublicKeyInfo;
  validFrom: Date;
  validUntil: Date;
  /** DCC purposes from the extended key usage; undefined when the certificate restricts none. */
  purposes?: KeyPurpose[];
  /** EU DCC kid: base64 of the first 8 bytes of SHA-256(DER). */
  kid: string;
  /** Hex SHA-256 of the DER. */
  sha256Hex: string;
  x509: X509CertificateInfo;
}

/** EU DCC key id of a certificate: base64 of the first 8 bytes of SHA-256 of its DER. */
export function dccKid(der: Uint8Array): string {
  return base64Encode(sha256(der).subarray(0, 8));
}

/** Parse an X.509 certificate given as PEM, base64 DER or DER bytes. Throws KeyInvalidError / KeyUnsupportedError. */
export function readTrustedCertificate(input: string | Uint8Array): TrustedCertificate {
  let x509: X509CertificateInfo;
  try {
    x509 = parseCertificate(input);
  } catch (err) {
    if (err instanceof KeyUnsupportedError) throw err;
    throw new KeyInvalidError(err instanceof Error ? err.message : 'not a DER X.509 certificate', { cause: err });
  }
  if (!x509.publicKey.keyType) {
    throw new KeyUnsupportedError(
      `certificate public key ${x509.publicKey.crv ?? x509.publicKey.kty} is not one of Ed25519, P-256, RSA 2048–8192`,
    );
  }
  let key: PublicKeyInfo;
  try {
    key = publicKeyInfoFromJwk(x509.publicKey.jwk);
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyInvalidError('certificate public key could not be read', { cause: err });
  }
  const purposes = [
    ...new Set(
      (x509.extendedKeyUsage ?? []).map((oid) => DCC_PURPOSES[oid]).filter((p): p is KeyPurpose => p !== undefined),
    ),
  ];
  return {
    der: x509.der,
    key,
    validFrom: x509.notBefore,
    validUntil: x509.notAfter,
    ...(purposes.length > 0 ? { purposes } : {}),
    kid: dccKid(x509.der),
    sha256Hex: x509.sha256Hex,
    x509,
  };
}
