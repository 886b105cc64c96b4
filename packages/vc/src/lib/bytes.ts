/** Byte helpers: those of `@divoc/keys`, under the names this package uses. (Hashing: `./hash.ts`.) */
export { concatBytes, utf8Encode as utf8 } from '@divoc/keys';
