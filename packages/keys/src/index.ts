/**
 * Keys, signing, codecs, DER/X.509, strict JSON/CBOR and the typed errors every other package builds on.
 * Runtime-neutral.
 *
 * @module @divoc/keys
 */
export type {
  KeyType,
  SignatureAlgorithm,
  Signer,
  KeyPurpose,
  TrustedKey,
  CheckName,
  Check,
  FormatVerificationResult,
  DocumentSignerKey,
} from './types.js';

export {
  DivocError,
  isDivocError,
  KeyError,
  KeyInvalidError,
  KeyUnsupportedError,
  PlatformUnsupportedError,
  isPlatformUnsupportedError,
  KeyAlgorithmMismatchError,
  KeyNotPrivateError,
  DidInvalidError,
  DidUnsupportedError,
  TrustListError,
  EncodingError,
  KeyFileExistsError,
  KeyFileInvalidError,
  KeyFileTooLargeError,
  KeyFileUnreadableError,
  InflateInvalidError,
  InflateTooLargeError,
  CertificateInvalidError,
  CborInvalidError,
  JsonError,
  JsonSyntaxError,
  JsonDuplicateKeyError,
  JsonForbiddenKeyError,
  JsonTooDeepError,
  JsonTooLargeError,
  isKeysError,
  isUnsafeJsonError,
} from './lib/errors.js';
export type { KeysError, KeysErrorCode, UnsafeJsonCode } from './lib/errors.js';
export { withCode, withUnsafeJsonCode, familyGuard } from './lib/errors.js';
export type { DivocErrorClass, CodedErrorClass, UnsafeJsonErrorClass } from './lib/errors.js';
export type { FamilyGuard } from './lib/errors.js';
export {
  parseJsonStrict,
  assertSafeJson,
  isJsonObject,
  JSON_DEFAULT_MAX_DEPTH,
  JSON_DEFAULT_MAX_LENGTH,
  quoteUntrusted,
} from './codec/json.js';
export type { StrictJsonOptions, SafeJsonOptions } from './codec/json.js';

export { base58btcEncode, base58btcDecode } from './codec/base58.js';
export { CborBuffer, CBOR_MAJOR } from './codec/cbor.js';
export {
  CborValueWriter,
  CborMap,
  CborTag,
  CborFloat,
  encodeCborValue,
  decodeCborStrict,
} from './codec/cbor-strict.js';
export type { CborValue, DecodeCborStrictOptions } from './codec/cbor-strict.js';
export { utf8DecodeStrict } from './codec/utf8.js';
export type { Utf8DecodeOptions } from './codec/utf8.js';
export { utf8Encode } from './lib/bytes.js';
export { concatBytes } from './codec/multicodec.js';
export { base45Encode, base45Decode } from './codec/base45.js';
export type { Base45DecodeOptions } from './codec/base45.js';
export { base64urlEncode, base64urlDecode, base64Encode, base64Decode } from './codec/base64url.js';
export type { Base64DecodeOptions } from './codec/base64url.js';
export { sha256, hmacSha256 } from './hash/sha256.js';
export { subtleCrypto, secureRandom } from './sign/webcrypto.js';
export {
  adler32,
  inflateRawBounded,
  inflateZlibBounded,
  inflateZlibBoundedStream,
  gunzipBounded,
  deflateRaw,
  deflateZlib,
  gzip,
} from './compress/inflate.js';
export type { InflateLimits, DeflateOptions } from './compress/inflate.js';
export { parseCertificate, certificateDer } from './x509/certificate.js';
export type {
  X509CertificateInfo,
  DistinguishedName,
  DistinguishedNameAttribute,
  CertificateExtension,
} from './x509/certificate.js';
export {
  verifyCertificateSignature,
  verifyWithPublicKey,
  ecdsaDerToRaw,
  isIssuedBy,
  sameDistinguishedName,
} from './x509/verify.js';
export { verifyCmsDetachedSignature, MAX_CMS_BYTES } from './x509/cms.js';
export type { CmsVerification } from './x509/cms.js';
export { parseSpki } from './x509/spki.js';
/**
 * The one DER reader of the SDK (strict, bounded, throws `CertificateInvalidError`), for packages reading X.509
 * extensions.
 */
export {
  readNode as readDerNode,
  readOnly as readDerOnly,
  children as derChildren,
  expectTag as expectDerTag,
  decodeOid as decodeDerOid,
  TAG as DER_TAG,
  MAX_DER_CHILDREN,
} from './x509/der.js';
export type { DerNode } from './x509/der.js';
export { derWrite } from './x509/der-write.js';
export { createDevelopmentCertificate, certificateExtension, certificatePem } from './x509/development.js';
export type {
  DevelopmentCertificateOptions,
  DevelopmentIssuer,
  DevelopmentSubjectOptions,
  DevelopmentSignerSubjectOptions,
  DevelopmentCertified,
  DevelopmentSigned,
} from './x509/development.js';
export type { SpkiPublicKey, NamedCurve } from './x509/spki.js';
export { dccKid } from './trust/certificate.js';
export { publicKeyInfoFromJwk, samePublicKey } from './key/public-jwk.js';
export type { PublicKeyInfo } from './key/public-jwk.js';
export { importPublicKeyInfo } from './key/public-import.js';
export type { PublicKeyInput } from './key/public-import.js';
export { multibaseEncode, multibaseDecode } from './codec/multibase.js';
export type { MultibaseEncoding } from './codec/multibase.js';

export { generateKeyPair, isKeyPair } from './key/key-pair.js';
export type { KeyPair, GenerateKeyPairOptions } from './key/key-pair.js';
export { importKeyPair } from './key/import.js';
export type {
  KeyInput,
  JwkKeyInput,
  PemKeyInput,
  DerKeyInput,
  MultikeyInput,
  Base58KeyInput,
  KeyObjectInput,
} from './key/import.js';
export {
  exportPublicJwk,
  exportPrivateJwk,
  exportPublicPem,
  exportPrivatePem,
  publicKeyMultibase,
  privateKeyMultibase,
  publicKeyBase58,
  privateKeyBase58,
  rawPublicKey,
} from './key/export.js';

export { createSigner, PS256_SALT_LENGTH } from './sign/signer.js';
export type { CreateSignerOptions } from './sign/signer.js';
export { verifySignature } from './sign/verify.js';
export { assertAlgorithmMatchesKey, defaultAlgorithm, algorithmMatchesKeyType } from './sign/algorithms.js';

export { didKeyFromKeyPair, verificationMethodId, resolveDidKey, keyPairFromDidKey } from './did/did-key.js';
export type { DidDocument, MultikeyVerificationMethod } from './did/did-key.js';

export { publicKeyObject } from './lib/key-object-cache.js';
export {
  trustedKeyFromKeyPair,
  toTrustListEntry,
  isTrustedKeyValidAt,
  trustedKeyAllowsPurpose,
} from './trust/trusted-key.js';
export type { TrustedKeyOptions, TrustListEntry, TrustList } from './trust/trusted-key.js';

export { writePrivateKeyFile } from './file/private-key-file.js';
export type { WritePrivateKeyFileOptions } from './file/private-key-file.js';
export {
  parseKeyFile,
  parseKeyFileJson,
  serializeKeyFile,
  defaultKeyId,
  controllerOf,
  MAX_KEY_FILE_BYTES,
  DIVOC_KEY_ID,
} from './file/key-file.js';
export type { DivocKeyFile, KeyFileFormat, KeyFileKey, ParseKeyFileOptions } from './file/key-file.js';

export { TrustStore } from './trust/trust-store.js';
export { trustStoreOf } from './trust/trust-option.js';
export type { TrustOption, TrustOptions } from './trust/trust-option.js';
export type { TrustStoreOptions, AddCertificateOptions, ResolveFilter } from './trust/trust-store.js';
export { jwkThumbprint } from './trust/jwk-thumbprint.js';
export { trustedKeyIssuers, bindIssuer, issuerKind, sameIssuer, keysForJwsIssuer } from './trust/identity.js';
export type { IssuerBinding, IssuerKind } from './trust/identity.js';
export { toAlpha3, isAlpha3 } from './trust/countries.js';
