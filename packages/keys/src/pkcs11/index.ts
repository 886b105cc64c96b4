/**
 * `@divoc/keys/pkcs11`: sign with keys that never leave a PKCS#11 token (HSM, smart card, SoftHSM2).
 * A separate entry point so the main `@divoc/keys` entry (and browser bundles) never load the native `pkcs11js` addon.
 *
 * @module @divoc/keys/pkcs11
 */
export { openPkcs11Session, Pkcs11Session } from './session.js';
export type { OpenPkcs11SessionOptions } from './session.js';
export { generatePkcs11KeyPair, exportPkcs11PublicKey, inspectPkcs11Key } from './keys.js';
export type {
  GeneratePkcs11KeyPairOptions,
  Pkcs11KeyPairInfo,
  Pkcs11KeySelector,
  Pkcs11KeyAttributes,
} from './keys.js';
export { createPkcs11Signer } from './signer.js';
export type { CreatePkcs11SignerOptions, Pkcs11Signer } from './signer.js';
export {
  parsePkcs11Uri,
  formatPkcs11Uri,
  redactPkcs11Uri,
  isPkcs11Uri,
  resolvePkcs11Pin,
  pkcs11UriTarget,
} from './uri.js';
export type { Pkcs11Uri, Pkcs11ObjectType, ResolvePkcs11PinOptions, Pkcs11UriTarget } from './uri.js';
export {
  Pkcs11UnavailableError,
  Pkcs11ModuleError,
  Pkcs11TokenNotFoundError,
  Pkcs11PinIncorrectError,
  Pkcs11LoginError,
  Pkcs11PinUnavailableError,
  Pkcs11KeyNotFoundError,
  Pkcs11KeyAmbiguousError,
  Pkcs11KeyExistsError,
  Pkcs11MechanismUnsupportedError,
  Pkcs11SessionClosedError,
  Pkcs11UriInvalidError,
  Pkcs11OperationError,
  isPkcs11Error,
} from './errors.js';
export type { Pkcs11Error, Pkcs11ErrorCode } from './errors.js';
