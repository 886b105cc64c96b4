import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** `<repo>/../shared/vectors`, resolved from this file so CI clones work wherever they are. */
export const VECTORS = fileURLToPath(new URL('../../../../shared/vectors/', import.meta.url));
export const DIVOC = join(VECTORS, 'divoc');
export const DIVOC_ED25519_KEY = join(DIVOC, 'keys/divoc-test-ed25519.json');
export const DIVOC_RSA_PUBLIC = join(DIVOC, 'keys/divoc-test-rsa.public.pem');
export const DIVOC_RSA_PRIVATE = join(DIVOC, 'keys/divoc-test-rsa.private.pem');
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function run(
  argv: string[],
  options: { cwd?: string; stdin?: string | Uint8Array; env?: Record<string, string> } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  // Imported lazily so reader/parser tests do not load the libraries.
  const { runCli } = await import('../src/index.js');
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: Readable.from(
      options.stdin === undefined
        ? []
        : [typeof options.stdin === 'string' ? Buffer.from(options.stdin) : Buffer.from(options.stdin)],
    ),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

/** Parses NDJSON output into objects. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export { chunksOf, collect, withTempDir } from '../../../test/support/streams.js';
