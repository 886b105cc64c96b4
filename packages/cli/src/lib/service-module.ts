import { ServiceNotInstalledError } from './errors.js';

/**
 * The one place the CLI loads `@divoc/service` (Fastify, pg): lazily, only for `divoc serve`. It is an optional peer
 * dependency, so `npm i @divoc/cli` does not install it; without it `divoc serve` fails with
 * `ServiceNotInstalledError` (exit 2, ERR_SERVICE_NOT_INSTALLED). Tests replace `importService`.
 */
export type ServiceModule = typeof import('@divoc/service');

export const serviceModule = {
  importService: (): Promise<ServiceModule> => import('@divoc/service'),
};

/** True for the error `import()` throws when a package cannot be found (ESM and CommonJS resolution). */
function isNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown })?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // Only @divoc/service itself: a package missing inside it is a broken install, reported as it is.
  const message = String((error as Error)?.message ?? '');
  return message.includes(`'${name}'`) || message.includes(`"${name}"`);
}

/** Loads @divoc/service, or throws `ServiceNotInstalledError` when it is not installed. */
export async function loadService(): Promise<ServiceModule> {
  try {
    return await serviceModule.importService();
  } catch (error) {
    if (isNotFound(error, '@divoc/service')) throw new ServiceNotInstalledError({ cause: error });
    throw error;
  }
}
