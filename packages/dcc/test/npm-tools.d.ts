// Minimal types for the two npm tools the cross-pipeline test uses (neither ships its own).
declare module 'pako' {
  const pako: {
    deflate(data: Uint8Array, options?: { level?: number }): Uint8Array;
    inflate(data: Uint8Array): Uint8Array;
  };
  export default pako;
}
declare module 'base45' {
  const base45: { encode(data: Uint8Array | string): string; decode(text: string): Buffer };
  export default base45;
}
