import { writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { vectorPath } from '../../../test/support/vectors.js';

/** Paths of the published vectors in `<repo>/test/vectors/` (see its README); a missing one throws. */
export { vectorPath };
export const DIVOC_ED25519_KEY = vectorPath('divoc/keys/divoc-test-ed25519.json');
export const DIVOC_RSA_PUBLIC = vectorPath('divoc/keys/divoc-test-rsa.public.pem');
export const DIVOC_RSA_PRIVATE = vectorPath('divoc/keys/divoc-test-rsa.private.pem');
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

/** One good vaccination record (an `--in` row). */
export const ASHA_P1 = {
  refId: 'P-1',
  name: 'Asha Verma',
  dob: '1990-04-12',
  vaccine: 'COVISHIELD',
  vaccinationDate: '2021-09-01',
  dose: 1,
  totalDoses: 2,
};

/** One check of a `divoc verify --json` line. */
export type VerifyCheck = { name: string; ok: boolean; code?: string; message?: string };

/** One `divoc verify --json` line (the fields the tests read). */
export type VerifyLine = {
  input: string;
  format: string;
  valid: boolean;
  issuer: string | null;
  claimedIssuer?: string;
  warnings?: { code: string; message: string }[];
  checks: VerifyCheck[];
  summary?: Record<string, unknown>;
};

/** Parses `divoc verify --json` output. */
export const verifyLines = (stdout: string) => ndjson(stdout) as unknown as VerifyLine[];

/** Parses NDJSON output into objects. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * argv for `divoc issue [--key KEY] --template vaccination --in IN --out OUT ...extra` (the options' order does not
 * matter to the CLI).
 */
export function issueArgv(files: { key?: string; in: string; out: string }, ...extra: string[]): string[] {
  const key = files.key === undefined ? [] : ['--key', files.key];
  return ['issue', ...key, '--template', 'vaccination', '--in', files.in, '--out', files.out, ...extra];
}

/**
 * `divoc keys generate --type TYPE --out KEYFILE` (asserting exit 0), with the trust-list entry it prints written to
 * TRUSTFILE; returns that entry.
 */
export async function generateKeyFiles(
  keyFile: string,
  trustFile: string,
  type = 'ed25519',
): Promise<Record<string, unknown>> {
  const r = await run(['keys', 'generate', '--type', type, '--out', keyFile]);
  expect(r.code, r.stderr).toBe(0);
  await writeFile(trustFile, r.stdout);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

export { chunksOf, collect, withTempDir } from '../../../test/support/streams.js';
