/** Browser stand-in for `node.ts`: no Node built-ins (see there). The browser build aliases this file in its place. */
export const nodeCrypto: typeof import('node:crypto') | undefined = undefined;
export const nodeFs: { fs: typeof import('node:fs'); promises: typeof import('node:fs/promises') } | undefined =
  undefined;
