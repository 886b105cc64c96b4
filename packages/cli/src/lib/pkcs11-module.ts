/**
 * The one place the CLI loads `@divoc/keys/pkcs11` (and with it the native pkcs11js addon): lazily, only when a
 * command is given a `pkcs11:` URI, so every other command runs without it. Tests replace this module.
 */
export function loadPkcs11Module(): Promise<typeof import('@divoc/keys/pkcs11')> {
  return import('@divoc/keys/pkcs11');
}
