/* The interop test passes `checkStatus`, which the typing in packages/vc/test/digitalbazaar.d.ts leaves out. */
declare module '@digitalbazaar/vc' {
  export function verifyCredential(args: {
    credential: object;
    suite: unknown;
    documentLoader: unknown;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean }>;
  }): Promise<{ verified: boolean; error?: unknown; statusResult?: { verified: boolean } }>;
}
