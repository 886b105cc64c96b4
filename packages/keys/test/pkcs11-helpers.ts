/**
 * A throw-away SoftHSM2 token directory for the PKCS#11 tests. SoftHSM reads SOFTHSM2_CONF when the module is
 * initialised (our first openPkcs11Session), so `makeSoftHsm` must run before any session is opened in this process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTHSM_MODULE = process.env.DIVOC_TEST_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
export const SO_PIN = '87654321';

export interface SoftHsm {
  dir: string;
  conf: string;
  module: string;
  /** Initialise a fresh token in the first free slot. */
  initToken(label: string, pin: string): void;
  cleanup(): void;
}

export function makeSoftHsm(): SoftHsm {
  if (!existsSync(SOFTHSM_MODULE)) {
    // Not a skip: CI installs softhsm2 (.ci/run), so a missing module is a broken environment.
    throw new Error(
      `SoftHSM2 is not installed: ${SOFTHSM_MODULE} is missing. Install the Debian package softhsm2 ` +
        `(apt-get install softhsm2).`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'divoc-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ` +
      `ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  return {
    dir,
    conf,
    module: SOFTHSM_MODULE,
    initToken(label, pin) {
      execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', pin], {
        env: { ...process.env, SOFTHSM2_CONF: conf },
        stdio: 'pipe',
      });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
