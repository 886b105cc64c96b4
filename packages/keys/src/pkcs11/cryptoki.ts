/**
 * The slice of the Cryptoki (PKCS#11 v2.40 / 3.0) API this package uses, typed here so that neither the build nor the
 * public types depend on `pkcs11js`, which is an optional native dependency loaded only when a session is opened.
 */

/** pkcs11js passes handles (slots, sessions, objects) as opaque Buffers. */
export type Handle = Buffer;

export interface Attribute {
  type: number;
  value?: number | boolean | string | Buffer;
}

export interface Mechanism {
  mechanism: number;
  parameter?: Buffer | { type: number; hashAlg: number; mgf: number; saltLen: number };
}

export interface TokenInfo {
  label: string;
  serialNumber: string;
  flags: number;
}

/** An instance of pkcs11js' `PKCS11` class, reduced to what we call. */
export interface Cryptoki {
  load(path: string): void;
  close(): void;
  C_Initialize(options?: { flags?: number }): void;
  C_Finalize(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): TokenInfo;
  C_GetMechanismList(slot: Handle): number[];
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, maxObjectCount: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): { type: number; value: Buffer }[];
  C_GenerateKeyPairAsync(
    session: Handle,
    mechanism: Mechanism,
    publicTemplate: Attribute[],
    privateTemplate: Attribute[],
  ): Promise<{ publicKey: Handle; privateKey: Handle }>;
  C_DestroyObject(session: Handle, object: Handle): void;
  C_SignInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_SignAsync(session: Handle, data: Buffer, out: Buffer): Promise<Buffer>;
}

/** The pkcs11js module's shape: the class plus its error class. */
export interface CryptokiModule {
  PKCS11: new () => Cryptoki;
}

// Constants from the PKCS#11 headers (pkcs11t.h). Written out so EdDSA ones exist even where pkcs11js lacks them.
export const CKF_TOKEN_INITIALIZED = 0x400;
export const CKF_RW_SESSION = 0x2;
export const CKF_SERIAL_SESSION = 0x4;
export const CKF_OS_LOCKING_OK = 0x2;
export const CKU_USER = 1;

export const CKO_PUBLIC_KEY = 2;
export const CKO_PRIVATE_KEY = 3;

export const CKK_RSA = 0x0;
export const CKK_EC = 0x3;
export const CKK_EC_EDWARDS = 0x40;

export const CKA_CLASS = 0x0;
export const CKA_TOKEN = 0x1;
export const CKA_PRIVATE = 0x2;
export const CKA_LABEL = 0x3;
export const CKA_VALUE = 0x11;
export const CKA_KEY_TYPE = 0x100;
export const CKA_ID = 0x102;
export const CKA_SENSITIVE = 0x103;
export const CKA_DECRYPT = 0x105;
export const CKA_SIGN = 0x108;
export const CKA_VERIFY = 0x10a;
export const CKA_MODULUS = 0x120;
export const CKA_MODULUS_BITS = 0x121;
export const CKA_PUBLIC_EXPONENT = 0x122;
export const CKA_EXTRACTABLE = 0x162;
export const CKA_NEVER_EXTRACTABLE = 0x164;
export const CKA_ALWAYS_SENSITIVE = 0x165;
export const CKA_EC_PARAMS = 0x180;
export const CKA_EC_POINT = 0x181;

export const CKM_RSA_PKCS_KEY_PAIR_GEN = 0x0;
export const CKM_SHA256_RSA_PKCS = 0x40;
export const CKM_SHA256_RSA_PKCS_PSS = 0x43;
export const CKM_SHA256 = 0x250;
export const CKM_EC_KEY_PAIR_GEN = 0x1040;
export const CKM_ECDSA = 0x1041;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;

export const CKG_MGF1_SHA256 = 0x2;
/** pkcs11js' tag for CK_RSA_PKCS_PSS_PARAMS. */
export const CK_PARAMS_RSA_PSS = 5;

/** DER of the named-curve OIDs, as CKA_EC_PARAMS holds them. */
export const EC_PARAMS_P256 = Buffer.from('06082a8648ce3d030107', 'hex'); // 1.2.840.10045.3.1.7
export const EC_PARAMS_ED25519 = Buffer.from('06032b6570', 'hex'); // 1.3.101.112
/** PKCS#11 3.0 also allows the curve name as a PrintableString. */
export const EC_PARAMS_ED25519_NAME = Buffer.from('130c656477617264733235353139', 'hex'); // "edwards25519"
