import { randomBytes } from 'node:crypto';
import { base64urlEncode } from '../codec/base64url.js';
import { ed25519FromRaw, importKeyPair, p256FromRaw } from '../key/import.js';
import { RSA_MAX_BITS, RSA_MIN_BITS, type KeyPair } from '../key/key-pair.js';
import { KeyError, KeyInvalidError, KeyUnsupportedError } from '../lib/errors.js';
import type { KeyType } from '../types.js';
import {
  CKA_ALWAYS_SENSITIVE,
  CKA_CLASS,
  CKA_DECRYPT,
  CKA_EC_PARAMS,
  CKA_EC_POINT,
  CKA_EXTRACTABLE,
  CKA_ID,
  CKA_KEY_TYPE,
  CKA_LABEL,
  CKA_MODULUS,
  CKA_MODULUS_BITS,
  CKA_NEVER_EXTRACTABLE,
  CKA_PRIVATE,
  CKA_PUBLIC_EXPONENT,
  CKA_SENSITIVE,
  CKA_SIGN,
  CKA_TOKEN,
  CKA_VERIFY,
  CKK_EC,
  CKK_EC_EDWARDS,
  CKK_RSA,
  CKM_EC_EDWARDS_KEY_PAIR_GEN,
  CKM_EC_KEY_PAIR_GEN,
  CKM_ECDSA,
  CKM_EDDSA,
  CKM_RSA_PKCS_KEY_PAIR_GEN,
  CKM_SHA256_RSA_PKCS_PSS,
  CKO_PRIVATE_KEY,
  CKO_PUBLIC_KEY,
  EC_PARAMS_ED25519,
  EC_PARAMS_ED25519_NAME,
  EC_PARAMS_P256,
  type Attribute,
  type Cryptoki,
  type Handle,
} from './cryptoki.js';
import {
  operationError,
  Pkcs11KeyAmbiguousError,
  Pkcs11KeyExistsError,
  Pkcs11KeyNotFoundError,
  Pkcs11MechanismUnsupportedError,
} from './errors.js';
import { stateOf, withSession, type Pkcs11Session } from './session.js';

/** Which key on the token: by label (CKA_LABEL), by id (CKA_ID bytes), or by both. */
export type Pkcs11KeySelector = { label: string; id?: Uint8Array } | { id: Uint8Array; label?: string };

/** Options of `generatePkcs11KeyPair`: the key type, and the label and id of the new key in the token. */
export interface GeneratePkcs11KeyPairOptions {
  type: KeyType;
  /** CKA_LABEL of both halves; must not exist on the token yet. */
  label: string;
  /** CKA_ID of both halves (1 to 64 bytes); default 16 random bytes. */
  id?: Uint8Array;
  /** Keys made here never leave the token: only `false` is accepted (the default). */
  extractable?: false;
  /** RSA modulus length in bits (2048 to 8192, default 2048). */
  modulusLength?: number;
}

/** A key pair made in the token: its label and id there, and its public half as a public-only KeyPair. */
export interface Pkcs11KeyPairInfo {
  type: KeyType;
  label: string;
  id: Uint8Array;
  /** Public key only (`privateKey` is absent): use it for trust lists, did:key, verification. */
  keyPair: KeyPair;
}

/** Security attributes of a private key in the token, as the token reports them. */
export interface Pkcs11KeyAttributes {
  type: KeyType;
  label: string;
  id: Uint8Array;
  sensitive: boolean;
  extractable: boolean;
  alwaysSensitive: boolean;
  neverExtractable: boolean;
}

const GENERATION: Record<KeyType, { generate: number; sign: number; name: string }> = {
  Ed25519: { generate: CKM_EC_EDWARDS_KEY_PAIR_GEN, sign: CKM_EDDSA, name: 'CKM_EC_EDWARDS_KEY_PAIR_GEN / CKM_EDDSA' },
  'P-256': { generate: CKM_EC_KEY_PAIR_GEN, sign: CKM_ECDSA, name: 'CKM_EC_KEY_PAIR_GEN / CKM_ECDSA' },
  RSA: {
    generate: CKM_RSA_PKCS_KEY_PAIR_GEN,
    sign: CKM_SHA256_RSA_PKCS_PSS,
    name: 'CKM_RSA_PKCS_KEY_PAIR_GEN / CKM_SHA256_RSA_PKCS_PSS',
  },
};

// ------------------------------------------------------------------ selectors and lookups

/** Checked copy of a selector, or a typed error. @internal */
export function checkSelector(selector: unknown): { label?: string; id?: Buffer } {
  if (typeof selector !== 'object' || selector === null)
    throw new KeyInvalidError('key selector must be an object with label and/or id');
  const { label, id } = selector as { label?: unknown; id?: unknown };
  if (label === undefined && id === undefined) throw new KeyInvalidError('key selector needs a label or an id');
  if (label !== undefined && (typeof label !== 'string' || label.length === 0 || label.length > 256)) {
    throw new KeyInvalidError('key label must be a string of 1 to 256 characters');
  }
  if (id !== undefined && (!(id instanceof Uint8Array) || id.length === 0 || id.length > 64)) {
    throw new KeyInvalidError('key id must be a Uint8Array of 1 to 64 bytes');
  }
  return {
    ...(label !== undefined ? { label: label as string } : {}),
    ...(id !== undefined ? { id: Buffer.from(id as Uint8Array) } : {}),
  };
}

export function describeSelector(selector: { label?: string; id?: Uint8Array }): string {
  const parts: string[] = [];
  if (selector.label !== undefined) parts.push(`label "${selector.label}"`);
  if (selector.id !== undefined) parts.push(`id ${Buffer.from(selector.id).toString('hex')}`);
  return parts.join(' and ');
}

function findObjects(cryptoki: Cryptoki, session: Handle, template: Attribute[]): Handle[] {
  try {
    cryptoki.C_FindObjectsInit(session, template);
    try {
      const found: Handle[] = [];
      // Bounded: a selector that matches more than a few objects is an error anyway.
      for (let round = 0; round < 4; round++) {
        const batch = cryptoki.C_FindObjects(session, 16);
        found.push(...batch);
        if (batch.length < 16) break;
      }
      return found;
    } finally {
      cryptoki.C_FindObjectsFinal(session);
    }
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw operationError('C_FindObjects', err);
  }
}

function selectorTemplate(objectClass: number, selector: { label?: string; id?: Buffer }): Attribute[] {
  return [
    { type: CKA_CLASS, value: objectClass },
    { type: CKA_TOKEN, value: true },
    ...(selector.label !== undefined ? [{ type: CKA_LABEL, value: selector.label }] : []),
    ...(selector.id !== undefined ? [{ type: CKA_ID, value: selector.id }] : []),
  ];
}

/** The one object of `objectClass` matching the selector. @internal */
export function findOne(
  cryptoki: Cryptoki,
  session: Handle,
  objectClass: number,
  selector: { label?: string; id?: Buffer },
  what: string,
): Handle {
  const found = findObjects(cryptoki, session, selectorTemplate(objectClass, selector));
  if (found.length === 0)
    throw new Pkcs11KeyNotFoundError(`no ${what} with ${describeSelector(selector)} on the token`);
  if (found.length > 1)
    throw new Pkcs11KeyAmbiguousError(
      `${found.length} ${what}s have ${describeSelector(selector)}: name the key by label and id`,
    );
  return found[0]!;
}

function attributes(cryptoki: Cryptoki, session: Handle, object: Handle, types: number[]): Map<number, Buffer> {
  try {
    const result = cryptoki.C_GetAttributeValue(
      session,
      object,
      types.map((type) => ({ type })),
    );
    return new Map(result.map((a) => [a.type, a.value]));
  } catch (err) {
    throw operationError('C_GetAttributeValue', err);
  }
}

function ulong(buf: Buffer | undefined): number {
  if (!buf || buf.length === 0) return -1;
  if (buf.length >= 8) return Number(buf.readBigUInt64LE(0));
  if (buf.length >= 4) return buf.readUInt32LE(0);
  return buf[0]!;
}

function bool(buf: Buffer | undefined): boolean {
  return buf !== undefined && buf.length > 0 && buf[0] !== 0;
}

/** KeyType of a key object from CKA_KEY_TYPE and, for EC keys, CKA_EC_PARAMS. @internal */
export function keyTypeOfObject(cryptoki: Cryptoki, session: Handle, object: Handle): KeyType {
  const keyType = ulong(attributes(cryptoki, session, object, [CKA_KEY_TYPE]).get(CKA_KEY_TYPE));
  if (keyType === CKK_RSA) return 'RSA';
  if (keyType === CKK_EC || keyType === CKK_EC_EDWARDS) {
    const params = attributes(cryptoki, session, object, [CKA_EC_PARAMS]).get(CKA_EC_PARAMS);
    if (params && keyType === CKK_EC && params.equals(EC_PARAMS_P256)) return 'P-256';
    if (
      params &&
      keyType === CKK_EC_EDWARDS &&
      (params.equals(EC_PARAMS_ED25519) || params.equals(EC_PARAMS_ED25519_NAME))
    )
      return 'Ed25519';
    throw new KeyUnsupportedError(
      `the token key uses curve parameters ${params?.toString('hex') ?? '(none)'}; only P-256 and Ed25519 ` +
        `are supported`,
    );
  }
  throw new KeyUnsupportedError(
    `the token key is of PKCS#11 key type 0x${keyType.toString(16)}; only RSA, P-256 and Ed25519 are supported`,
  );
}

// ------------------------------------------------------------------ public key export

/** CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 2.40+); a few modules give the bare point. */
function unwrapEcPoint(value: Buffer, size: number): Buffer {
  if (value.length === size) return value;
  if (value[0] === 0x04 && value[1] === size && value.length === size + 2) return value.subarray(2);
  if (value[0] === 0x04 && value[1] === 0x81 && value[2] === size && value.length === size + 3)
    return value.subarray(3);
  throw new KeyInvalidError(`CKA_EC_POINT of ${value.length} bytes is not a ${size}-byte point`);
}

function publicKeyFromObject(cryptoki: Cryptoki, session: Handle, object: Handle, type: KeyType): KeyPair {
  switch (type) {
    case 'Ed25519': {
      const point = attributes(cryptoki, session, object, [CKA_EC_POINT]).get(CKA_EC_POINT);
      if (!point) throw new KeyInvalidError('the token returned no CKA_EC_POINT');
      return ed25519FromRaw(new Uint8Array(unwrapEcPoint(point, 32)));
    }
    case 'P-256': {
      const point = attributes(cryptoki, session, object, [CKA_EC_POINT]).get(CKA_EC_POINT);
      if (!point) throw new KeyInvalidError('the token returned no CKA_EC_POINT');
      return p256FromRaw(new Uint8Array(unwrapEcPoint(point, 65)));
    }
    case 'RSA': {
      const values = attributes(cryptoki, session, object, [CKA_MODULUS, CKA_PUBLIC_EXPONENT]);
      const n = values.get(CKA_MODULUS);
      const e = values.get(CKA_PUBLIC_EXPONENT);
      if (!n || !e) throw new KeyInvalidError('the token returned no RSA modulus or exponent');
      return importKeyPair({ jwk: { kty: 'RSA', n: base64urlEncode(n), e: base64urlEncode(e) } });
    }
  }
}

/** @internal Public KeyPair of the key named by the (checked) selector, found in `handle`'s token. */
export function readPublicKey(cryptoki: Cryptoki, handle: Handle, sel: { label?: string; id?: Buffer }): KeyPair {
  const publicObjects = findObjects(cryptoki, handle, selectorTemplate(CKO_PUBLIC_KEY, sel));
  if (publicObjects.length > 1)
    throw new Pkcs11KeyAmbiguousError(
      `${publicObjects.length} public keys have ${describeSelector(sel)}: name the key by label and id`,
    );
  if (publicObjects.length === 1) {
    const object = publicObjects[0]!;
    return publicKeyFromObject(cryptoki, handle, object, keyTypeOfObject(cryptoki, handle, object));
  }
  // No public object (some HSMs keep only the private one): RSA private keys still show n and e.
  const privateObject = findOne(cryptoki, handle, CKO_PRIVATE_KEY, sel, 'key');
  const type = keyTypeOfObject(cryptoki, handle, privateObject);
  if (type !== 'RSA')
    throw new Pkcs11KeyNotFoundError(
      `no public key object with ${describeSelector(sel)} on the token (the ${type} private key alone does ` +
        `not reveal it)`,
    );
  return publicKeyFromObject(cryptoki, handle, privateObject, type);
}

/**
 * The public half of a token key as a public-only KeyPair, for `toTrustListEntry`, `didKeyFromKeyPair`,
 * `verificationMethodId`, `trustedKeyFromKeyPair` and `verifySignature`.
 */
export async function exportPkcs11PublicKey(session: Pkcs11Session, selector: Pkcs11KeySelector): Promise<KeyPair> {
  const sel = checkSelector(selector);
  return withSession(session, (handle, cryptoki) => readPublicKey(cryptoki, handle, sel));
}

/** What the token says about a private key's protection (CKA_SENSITIVE, CKA_EXTRACTABLE, …), for audits. */
export async function inspectPkcs11Key(
  session: Pkcs11Session,
  selector: Pkcs11KeySelector,
): Promise<Pkcs11KeyAttributes> {
  const sel = checkSelector(selector);
  return withSession(session, (handle, cryptoki) => {
    const object = findOne(cryptoki, handle, CKO_PRIVATE_KEY, sel, 'private key');
    const type = keyTypeOfObject(cryptoki, handle, object);
    const a = attributes(cryptoki, handle, object, [
      CKA_LABEL,
      CKA_ID,
      CKA_SENSITIVE,
      CKA_EXTRACTABLE,
      CKA_ALWAYS_SENSITIVE,
      CKA_NEVER_EXTRACTABLE,
    ]);
    return {
      type,
      label: a.get(CKA_LABEL)?.toString('utf8') ?? '',
      id: new Uint8Array(a.get(CKA_ID) ?? Buffer.alloc(0)),
      sensitive: bool(a.get(CKA_SENSITIVE)),
      extractable: bool(a.get(CKA_EXTRACTABLE)),
      alwaysSensitive: bool(a.get(CKA_ALWAYS_SENSITIVE)),
      neverExtractable: bool(a.get(CKA_NEVER_EXTRACTABLE)),
    };
  });
}

// ------------------------------------------------------------------ generation

/**
 * Generate a key pair inside the token. The private key is a token object with CKA_SENSITIVE = true and
 * CKA_EXTRACTABLE = false: it can sign, never be read. Ed25519 needs CKM_EC_EDWARDS_KEY_PAIR_GEN and CKM_EDDSA
 * (SoftHSM 2.6+, PKCS#11 3.0 tokens); otherwise ERR_PKCS11_MECHANISM_UNSUPPORTED. A label or id already on the token
 * is refused (ERR_PKCS11_KEY_EXISTS) so a key is never shadowed.
 */
export async function generatePkcs11KeyPair(
  session: Pkcs11Session,
  options: GeneratePkcs11KeyPairOptions,
): Promise<Pkcs11KeyPairInfo> {
  if (typeof options !== 'object' || options === null) throw new KeyInvalidError('generatePkcs11KeyPair needs options');
  const { type } = options;
  if (type !== 'Ed25519' && type !== 'P-256' && type !== 'RSA')
    throw new KeyUnsupportedError(`unsupported key type ${JSON.stringify(type)}`);
  if ((options.extractable as unknown) !== undefined && (options.extractable as unknown) !== false) {
    throw new KeyUnsupportedError('token keys are generated non-extractable; extractable: true is not supported');
  }
  const sel = checkSelector({ label: options.label, ...(options.id !== undefined ? { id: options.id } : {}) });
  const label = sel.label!;
  const id = sel.id ?? randomBytes(16);
  const modulusLength = options.modulusLength ?? 2048;
  if (
    type === 'RSA' &&
    (!Number.isInteger(modulusLength) ||
      modulusLength < RSA_MIN_BITS ||
      modulusLength > RSA_MAX_BITS ||
      modulusLength % 8 !== 0)
  ) {
    throw new KeyUnsupportedError(
      `RSA modulusLength must be a multiple of 8 between ${RSA_MIN_BITS} and ${RSA_MAX_BITS}`,
    );
  }
  const mechanism = GENERATION[type];
  const { mechanisms } = stateOf(session);
  if (!mechanisms.has(mechanism.generate) || !mechanisms.has(mechanism.sign)) {
    throw new Pkcs11MechanismUnsupportedError(`the token does not offer ${mechanism.name}, needed for ${type} keys`);
  }

  return withSession(session, async (handle, cryptoki) => {
    for (const objectClass of [CKO_PRIVATE_KEY, CKO_PUBLIC_KEY]) {
      for (const existing of [{ label }, { id }]) {
        if (findObjects(cryptoki, handle, selectorTemplate(objectClass, existing)).length > 0) {
          throw new Pkcs11KeyExistsError(`a key with ${describeSelector(existing)} already exists on the token`);
        }
      }
    }
    const common: Attribute[] = [
      { type: CKA_TOKEN, value: true },
      { type: CKA_LABEL, value: label },
      { type: CKA_ID, value: id },
    ];
    const publicTemplate: Attribute[] = [
      ...common,
      { type: CKA_CLASS, value: CKO_PUBLIC_KEY },
      { type: CKA_VERIFY, value: true },
      { type: CKA_PRIVATE, value: false },
    ];
    const privateTemplate: Attribute[] = [
      ...common,
      { type: CKA_CLASS, value: CKO_PRIVATE_KEY },
      { type: CKA_PRIVATE, value: true },
      { type: CKA_SENSITIVE, value: true },
      { type: CKA_EXTRACTABLE, value: false },
      { type: CKA_SIGN, value: true },
    ];
    if (type === 'RSA') {
      publicTemplate.push(
        { type: CKA_KEY_TYPE, value: CKK_RSA },
        { type: CKA_MODULUS_BITS, value: modulusLength },
        { type: CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      );
      privateTemplate.push({ type: CKA_KEY_TYPE, value: CKK_RSA }, { type: CKA_DECRYPT, value: false });
    } else {
      const keyType = type === 'Ed25519' ? CKK_EC_EDWARDS : CKK_EC;
      publicTemplate.push(
        { type: CKA_KEY_TYPE, value: keyType },
        { type: CKA_EC_PARAMS, value: type === 'Ed25519' ? EC_PARAMS_ED25519 : EC_PARAMS_P256 },
      );
      privateTemplate.push({ type: CKA_KEY_TYPE, value: keyType });
    }
    let pair: { publicKey: Handle; privateKey: Handle };
    try {
      pair = await cryptoki.C_GenerateKeyPairAsync(
        handle,
        { mechanism: mechanism.generate },
        publicTemplate,
        privateTemplate,
      );
    } catch (err) {
      const wrapped = operationError(`C_GenerateKeyPair (${type})`, err);
      if (
        wrapped.ckr === 'CKR_MECHANISM_INVALID' ||
        wrapped.ckr === 'CKR_CURVE_NOT_SUPPORTED' ||
        wrapped.ckr === 'CKR_DOMAIN_PARAMS_INVALID'
      ) {
        throw new Pkcs11MechanismUnsupportedError(`the token cannot generate ${type} keys (${wrapped.ckr})`, {
          cause: err,
        });
      }
      throw wrapped;
    }
    try {
      const keyPair = publicKeyFromObject(cryptoki, handle, pair.publicKey, type);
      return { type, label, id: new Uint8Array(id), keyPair };
    } catch (err) {
      // A key we cannot describe is useless: do not leave it behind.
      for (const object of [pair.privateKey, pair.publicKey]) {
        try {
          cryptoki.C_DestroyObject(handle, object);
        } catch {
          // ignore
        }
      }
      throw err;
    }
  });
}
