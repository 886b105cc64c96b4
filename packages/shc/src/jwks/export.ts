import { exportPublicJwk, importKeyPair, isKeyPair, jwkThumbprint, type KeyPair, isJsonObject } from '@divoc/keys';
import { ShcOptionsInvalidError } from '../lib/errors.js';
import type { ShcJwks, ShcPublicJwk } from '../types.js';

/** One key for `exportIssuerJwks`, optionally with the `ctr` of its revocation list. */
export interface IssuerKeyEntry {
  key: KeyPair | JsonWebKey;
  crlVersion?: number;
}

function toKeyPair(key: KeyPair | JsonWebKey, where: string): KeyPair {
  try {
    return isKeyPair(key) ? key : importKeyPair({ jwk: key });
  } catch (err) {
    throw new ShcOptionsInvalidError(`${where}: ${err instanceof Error ? err.message : 'invalid key'}`, { cause: err });
  }
}

/**
 * The issuer's public JWKS, to publish at `${iss}/.well-known/jwks.json`: each P-256 key with `kid` = its RFC 7638
 * thumbprint, `use: "sig"`, `alg: "ES256"` and never `d`. Private key pairs are accepted; only public parts leave.
 */
export function exportIssuerJwks(keys: readonly (KeyPair | JsonWebKey | IssuerKeyEntry)[]): ShcJwks {
  if (!Array.isArray(keys) || keys.length === 0)
    throw new ShcOptionsInvalidError('exportIssuerJwks: give one or more keys');
  return {
    keys: keys.map((item, i): ShcPublicJwk => {
      const where = `keys[${i}]`;
      const entry: IssuerKeyEntry =
        isJsonObject(item) && 'key' in item && !isKeyPair(item)
          ? (item as unknown as IssuerKeyEntry)
          : { key: item as KeyPair | JsonWebKey };
      const kp = toKeyPair(entry.key, where);
      if (kp.type !== 'P-256')
        throw new ShcOptionsInvalidError(`${where}: SMART Health Card keys are P-256, not ${kp.type}`);
      const jwk = exportPublicJwk({ type: kp.type, publicKey: kp.publicKey }) as Record<string, string>;
      const out: ShcPublicJwk = {
        kty: 'EC',
        kid: jwkThumbprint(kp),
        use: 'sig',
        alg: 'ES256',
        crv: 'P-256',
        x: jwk.x!,
        y: jwk.y!,
      };
      if (entry.crlVersion !== undefined) {
        if (!Number.isSafeInteger(entry.crlVersion) || entry.crlVersion < 1)
          throw new ShcOptionsInvalidError(`${where}: crlVersion must be a positive integer`);
        out.crlVersion = entry.crlVersion;
      }
      return out;
    }),
  };
}
