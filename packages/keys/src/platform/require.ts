import { KeyUnsupportedError } from '../lib/errors.js';
import { nodeCrypto, nodeFs } from './node.js';

/** node:crypto, or a typed error where it does not exist (browser build). For key generation, signing, PEM import. */
export function requireNodeCrypto(what: string): typeof import('node:crypto') {
  if (!nodeCrypto)
    throw new KeyUnsupportedError(
      `${what} needs Node.js (node:crypto); the browser build of @divoc/keys only verifies`,
    );
  return nodeCrypto;
}

/** node:fs, or a typed error in the browser build. */
export function requireNodeFs(what: string): NonNullable<typeof nodeFs> {
  if (!nodeFs)
    throw new KeyUnsupportedError(`${what} needs Node.js (node:fs); not available in the browser build of @divoc/keys`);
  return nodeFs;
}

/** True for a node:crypto KeyObject, without importing node:crypto where it does not exist. */
export function isKeyObject(value: unknown): value is import('node:crypto').KeyObject {
  return nodeCrypto !== undefined && value instanceof nodeCrypto.KeyObject;
}
