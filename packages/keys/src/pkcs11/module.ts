/**
 * One loaded and initialised PKCS#11 module per library path per process, reference-counted: Cryptoki allows a single
 * C_Initialize per application, and C_Finalize must wait until the last session user is gone.
 */
import { resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { ckrOf, operationError, Pkcs11ModuleError, Pkcs11UnavailableError } from './errors.js';
import { CKF_OS_LOCKING_OK, type Cryptoki, type CryptokiModule } from './cryptoki.js';

export interface LoadedModule {
  readonly path: string;
  readonly cryptoki: Cryptoki;
  /** Per slot (hex of its handle): digest of the PIN our sessions logged in with, and how many sessions hold it. */
  readonly logins: Map<string, { pinDigest: Buffer; holders: number }>;
  /**
   * Whether our C_Initialize did it. Only then, and only on the main thread, does the last release call C_Finalize:
   * Cryptoki state is per process, so worker threads (each with its own copy of this registry) must not tear it
   * down under one another.
   */
  readonly finalizeOnRelease: boolean;
}

interface Entry {
  loading: Promise<LoadedModule>;
  refs: number;
}

const modules = new Map<string, Entry>();

let pkcs11jsPromise: Promise<CryptokiModule> | undefined;

/** Import pkcs11js on first use, so @divoc/keys works (and installs) without the native addon. */
export function loadPkcs11js(): Promise<CryptokiModule> {
  pkcs11jsPromise ??= (async () => {
    try {
      const imported = (await import('pkcs11js')) as unknown as CryptokiModule & { default?: CryptokiModule };
      const mod = typeof imported.PKCS11 === 'function' ? imported : imported.default;
      if (!mod || typeof mod.PKCS11 !== 'function') throw new Error('pkcs11js has no PKCS11 class');
      return mod;
    } catch (err) {
      pkcs11jsPromise = undefined;
      throw new Pkcs11UnavailableError(
        'PKCS#11 support needs the optional dependency pkcs11js (a native addon): install it with a C++ ' +
          'toolchain present',
        { cause: err },
      );
    }
  })();
  return pkcs11jsPromise;
}

/** Take a reference on the module at `path`, loading and initialising it first if this is the first reference. */
export async function acquireModule(path: string): Promise<LoadedModule> {
  if (typeof path !== 'string' || path.length === 0 || path.length > 4096 || path.includes('\0')) {
    throw new Pkcs11ModuleError('PKCS#11 module path must be a non-empty file path');
  }
  const key = resolve(path);
  let entry = modules.get(key);
  if (!entry) {
    entry = { loading: initialise(key), refs: 0 };
    modules.set(key, entry);
  }
  entry.refs++;
  try {
    return await entry.loading;
  } catch (err) {
    entry.refs--;
    if (modules.get(key) === entry) modules.delete(key);
    throw err;
  }
}

/** Drop a reference; the last one finalises the module and unloads the library. */
export function releaseModule(module: LoadedModule): void {
  const entry = modules.get(module.path);
  if (!entry) return;
  entry.refs--;
  if (entry.refs > 0) return;
  modules.delete(module.path);
  if (!module.finalizeOnRelease) return;
  try {
    module.cryptoki.C_Finalize();
  } catch {
    // Nothing useful to do: the process keeps running, the token forgets our sessions anyway.
  }
  try {
    module.cryptoki.close();
  } catch {
    // same
  }
}

async function initialise(path: string): Promise<LoadedModule> {
  const { PKCS11 } = await loadPkcs11js();
  const cryptoki = new PKCS11();
  try {
    cryptoki.load(path);
  } catch (err) {
    throw new Pkcs11ModuleError(
      `cannot load PKCS#11 module ${path}: ${(err as Error).message?.split('\n')[0] ?? 'unknown error'}`,
      { cause: err },
    );
  }
  let initialisedHere = true;
  try {
    // Signing runs on libuv worker threads (C_SignAsync): the library must lock for itself.
    cryptoki.C_Initialize({ flags: CKF_OS_LOCKING_OK });
  } catch (err) {
    initialisedHere = false;
    // Someone else in this process (another copy of pkcs11js) initialised it: share that.
    if (ckrOf(err) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      try {
        cryptoki.close();
      } catch {
        // ignore
      }
      const wrapped = operationError(`C_Initialize of PKCS#11 module ${path}`, err);
      throw new Pkcs11ModuleError(wrapped.message, { cause: err });
    }
  }
  return { path, cryptoki, logins: new Map(), finalizeOnRelease: initialisedHere && isMainThread };
}
