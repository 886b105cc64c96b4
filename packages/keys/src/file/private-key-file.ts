import { KeyFileExistsError } from '../lib/errors.js';
import { requireNodeFs } from '../platform/require.js';

/** Options of `writePrivateKeyFile`. */
export interface WritePrivateKeyFileOptions {
  /** Replace an existing file (its mode is reset to 0600). Default false. */
  overwrite?: boolean;
}

/**
 * Write a private key file readable by its owner only (mode 0600). The file is created with that mode, then chmod-ed
 * so a permissive umask cannot widen it; an existing file is refused with `KeyFileExistsError` unless `overwrite`.
 */
export async function writePrivateKeyFile(
  path: string,
  contents: string | Uint8Array,
  options: WritePrivateKeyFileOptions = {},
): Promise<void> {
  const {
    fs: { constants },
    promises: { open },
  } = requireNodeFs('writePrivateKeyFile');
  let handle;
  try {
    // O_EXCL never follows a symlink; when overwriting, O_NOFOLLOW keeps a planted symlink from redirecting the write.
    const { O_WRONLY, O_CREAT, O_EXCL, O_TRUNC } = constants;
    const noFollow = constants.O_NOFOLLOW ?? 0;
    const flags = options.overwrite ? O_WRONLY | O_CREAT | O_TRUNC | noFollow : O_WRONLY | O_CREAT | O_EXCL;
    handle = await open(path, flags, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new KeyFileExistsError(`refusing to overwrite existing file ${path}`, { cause: err });
    }
    throw err;
  }
  try {
    // chmod before writing, so the secret never sits in a file with wider permissions.
    await handle.chmod(0o600);
    await handle.writeFile(contents);
  } finally {
    await handle.close();
  }
}
