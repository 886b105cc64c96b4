/* Just enough typing for the interop tests (these dev-only packages ship no types). */
declare module '@digitalbazaar/vc' {
  export function issue(args: {
    credential: object;
    suite: unknown;
    documentLoader: unknown;
  }): Promise<{ proof: Record<string, string> } & Record<string, unknown>>;
  export function verifyCredential(args: {
    credential: object;
    suite: unknown;
    documentLoader: unknown;
  }): Promise<{ verified: boolean; error?: unknown }>;
}
declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: { cryptosuite: unknown; signer?: unknown; date?: string | Date });
  }
}
declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: unknown;
}
declare module '@digitalbazaar/ed25519-multikey' {
  export function from(key: object): Promise<{ signer(): unknown }>;
}
declare module '@digitalbazaar/ed25519-signature-2020' {
  export class Ed25519Signature2020 {
    constructor(options?: { signer?: unknown; date?: string | Date });
  }
}
declare module '@digitalbazaar/vc' {
  export function createPresentation(args: { verifiableCredential?: object | object[]; holder?: string }): object;
  export function signPresentation(args: {
    presentation: object;
    suite: unknown;
    challenge: string;
    domain?: string;
    documentLoader: unknown;
  }): Promise<{ proof: Record<string, string> } & Record<string, unknown>>;
  export function verify(args: {
    presentation: object;
    suite: unknown;
    challenge: string;
    domain?: string;
    documentLoader: unknown;
  }): Promise<{ verified: boolean; error?: unknown }>;
}
