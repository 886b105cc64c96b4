import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `path` atomically: the content goes to a temporary file in the same directory, is flushed, then linked
 * into place. Linking fails if `path` already exists, so two concurrent runs can never both "create" a certificate;
 * `false` is returned in that case. Where hard links are unsupported, falls back to rename after an existence check.
 */
export async function writeFileAtomicExclusive(
  path: string,
  contents: string | Uint8Array,
  mode = 0o644,
): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await (typeof contents === 'string' ? handle.writeFile(contents, 'utf8') : handle.writeFile(contents));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS') {
      if (await exists(path)) return false;
      await rename(temp, path);
      return true;
    }
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    const h = await open(path, 'r');
    await h.close();
    return true;
  } catch {
    return false;
  }
}

/** Reads at most `maxBytes` from a stream (stdin). */
export async function readStreamLimited(
  stream: AsyncIterable<unknown>,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; tooLarge: boolean }> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
    parts.push(buf);
    total += buf.length;
    if (total > maxBytes) return { bytes: Buffer.concat(parts).subarray(0, maxBytes), tooLarge: true };
  }
  return { bytes: Buffer.concat(parts), tooLarge: false };
}
