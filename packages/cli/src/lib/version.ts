import { createRequire } from 'node:module';

// Both src/lib/*.ts (tests) and dist/*.js (built) sit below the package root; resolve package.json from the root.
const require = createRequire(import.meta.url);

function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === '@divoc/cli' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export const CLI_VERSION: string = readVersion();
