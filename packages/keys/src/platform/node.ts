/**
 * The Node.js built-ins this package uses, in one module. The browser build (`dist/browser.js`, picked by bundlers
 * through the `browser` export condition) replaces this file with `node.browser.ts`, so nothing reachable from a
 * browser bundle imports a Node built-in. Code that needs Node asks `requireNodeCrypto()` and fails with a typed
 * error in the browser; verification paths never need it (they fall back to WebCrypto when `nodeCrypto` is undefined).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsPromises from 'node:fs/promises';

export const nodeCrypto: typeof import('node:crypto') | undefined = crypto;
export const nodeFs: { fs: typeof import('node:fs'); promises: typeof import('node:fs/promises') } | undefined = {
  fs,
  promises: fsPromises,
};
