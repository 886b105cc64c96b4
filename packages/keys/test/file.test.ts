import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyFileExistsError, exportPrivatePem, generateKeyPair, importKeyPair, writePrivateKeyFile } from '@divoc/keys';

const dir = mkdtempSync(join(tmpdir(), 'divoc-keys-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writePrivateKeyFile', () => {
  it('creates the file with mode 0600 even under a permissive umask', async () => {
    // process.umask cannot change the mask inside worker threads; then the test still checks the default umask.
    let previous: number | undefined;
    try {
      previous = process.umask(0);
    } catch {
      previous = undefined;
    }
    try {
      const kp = await generateKeyPair('Ed25519');
      const path = join(dir, 'issuer.key.pem');
      await writePrivateKeyFile(path, exportPrivatePem(kp));
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(importKeyPair({ pem: readFileSync(path, 'utf8') }).privateKey!.equals(kp.privateKey!)).toBe(true);
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });

  it('refuses to overwrite unless asked, and then resets the mode to 0600', async () => {
    const path = join(dir, 'existing.pem');
    writeFileSync(path, 'old');
    chmodSync(path, 0o644);
    await expect(writePrivateKeyFile(path, 'new')).rejects.toBeInstanceOf(KeyFileExistsError);
    await expect(writePrivateKeyFile(path, 'new')).rejects.toMatchObject({ code: 'ERR_KEY_FILE_EXISTS' });
    expect(readFileSync(path, 'utf8')).toBe('old');
    await writePrivateKeyFile(path, 'new', { overwrite: true });
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('does not write through a symlink', async () => {
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'target');
    const link = join(dir, 'link.pem');
    symlinkSync(target, link);
    await expect(writePrivateKeyFile(link, 'secret')).rejects.toMatchObject({ code: 'ERR_KEY_FILE_EXISTS' });
    await expect(writePrivateKeyFile(link, 'secret', { overwrite: true })).rejects.toMatchObject({ code: 'ELOOP' });
    expect(readFileSync(target, 'utf8')).toBe('target');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('passes through other file-system errors', async () => {
    await expect(writePrivateKeyFile(join(dir, 'missing', 'k.pem'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
