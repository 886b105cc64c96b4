// The built package's ESM build keeps a second copy of each built-in type's credential validator in a chunk of its own
// that only validateCredentialAsync imports, dynamically: an app that validates only that way (the browser verifier)
// bundles them as chunks loaded later, each when a credential of its type is first validated, not with its first page.
// Needs the built package (`pnpm build`; pnpm test builds it).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { readVector } from './helpers.js';
import { credentialValidators } from '../src/generated/index.js';
import { lazyCredentialValidators } from '../src/lib/validators.js';

type Schemas = typeof import('../src/index.js');

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));
const esm = `${distDir}index.js`;
const built = existsSync(esm);
// A schema path that only the generated credential validators' code holds.
const VALIDATOR_CODE = '#/allOf/0/if';
/** Each built-in type's schema id, which its generated validator holds. */
const SCHEMA_IDS: Record<string, string> = {
  vaccination: '"https://divoc.dev/credentials/sdk/schemas/vaccination/v1.json"',
  'vaccination-v2': '"https://divoc.dev/credentials/sdk/schemas/vaccination/v2.json"',
  test: '"https://divoc.dev/credentials/sdk/schemas/test-certificate/v1.json"',
  recovery: '"https://divoc.dev/credentials/sdk/schemas/recovery/v1.json"',
};

const invalid = (): Record<string, unknown> => {
  const c = readVector('divoc/signed/rsa2018-divocdev-valid.json') as Record<string, unknown>;
  const subject = c.credentialSubject as Record<string, unknown>;
  subject.name = '';
  (c.evidence as Record<string, unknown>[])[0]!.batch = 5;
  return c;
};

/** The static part (what loads first) and the dynamically imported chunks of an app importing `names`. */
async function appBundle(names: string): Promise<{ first: string; later: string }> {
  const result = await esbuild.build({
    stdin: { contents: `export { ${names} } from ${JSON.stringify(esm)};`, resolveDir: distDir, loader: 'js' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    // The packages' dist/ as an app sees them, not the workspace tsconfig's paths to src/.
    tsconfigRaw: '{}',
    write: false,
    metafile: true,
    outdir: '/virtual-out',
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint !== undefined)!;
  const first = new Set<string>();
  const visit = (k: string): void => {
    if (first.has(k)) return;
    first.add(k);
    for (const i of outputs[k]!.imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  let firstText = '';
  let later = '';
  for (const file of result.outputFiles) {
    const key = Object.keys(outputs).find((k) => file.path.endsWith(k.replace(/^.*virtual-out\//, '')))!;
    if (first.has(key)) firstText += file.text;
    else later += file.text;
  }
  return { first: firstText, later };
}

describe('the lazily loaded validators', () => {
  it('cover every built-in type the static table covers (else validateCredentialAsync would need Ajv for it)', () => {
    expect(Object.keys(lazyCredentialValidators).sort()).toEqual(Object.keys(credentialValidators).sort());
  });

  it('each module gives its type the same validator code as the static table (from the sources)', async () => {
    for (const [type, load] of Object.entries(lazyCredentialValidators)) {
      expect((await load()).validate, type).toBe(credentialValidators[type]);
    }
  });
});

describe('the built package: credential validators loaded on demand', () => {
  it('is built (run `pnpm build`)', () => {
    expect(built).toBe(true);
  });

  it("dist/index.js imports each type's validator chunk dynamically only, in ESM and CJS", () => {
    const files = readdirSync(distDir);
    const index = readFileSync(esm, 'utf8');
    const cjs = readFileSync(`${distDir}index.cjs`, 'utf8');
    for (const type of Object.keys(SCHEMA_IDS)) {
      const chunk = files.find((f) => new RegExp(`^${type}-[A-Z0-9]+\\.js$`).test(f));
      expect(chunk, type).toBeDefined();
      const code = readFileSync(`${distDir}${chunk}`, 'utf8');
      expect(code).toContain(VALIDATOR_CODE);
      // Its own type's validator only.
      for (const [other, otherId] of Object.entries(SCHEMA_IDS))
        expect(code.includes(otherId), other).toBe(other === type);
      expect(index).toContain(`import("./${chunk}")`);
      expect(index).not.toMatch(new RegExp(`from\\s*"\\./${type}-`));
      expect(cjs).toMatch(new RegExp(`require\\("\\./${type}-[A-Z0-9]+\\.cjs"\\)`));
    }
  });

  it('the ESM and CJS builds: validateCredentialAsync reports what validateCredential reports', async () => {
    const fromEsm = (await import(esm)) as Schemas;
    const fromCjs = createRequire(import.meta.url)(`${distDir}index.cjs`) as Schemas;
    const valid = readVector('divoc/signed/rsa2018-divocdev-valid.json');
    for (const schemas of [fromEsm, fromCjs]) {
      expect(await schemas.validateCredentialAsync(valid)).toEqual({ valid: true, issues: [] });
      expect(schemas.validateCredential(valid)).toEqual({ valid: true, issues: [] });
      const sync = schemas.validateCredential(invalid());
      expect(sync.valid).toBe(false);
      expect(sync.issues.map((i) => i.path).sort()).toEqual(['$.credentialSubject.name', '$.evidence[0].batch']);
      expect(await schemas.validateCredentialAsync(invalid())).toEqual(sync);
    }
  });

  it('Node loads none of the generated validators at import: the synchronous API loads them on first use', () => {
    const manifest = JSON.parse(readFileSync(`${distDir}../package.json`, 'utf8')) as {
      imports: Record<string, { 'node-addons': { import: string } }>;
    };
    // dist/index.js and every module it imports statically, `#static-validators` resolved as Node resolves it.
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(`${distDir}${file}`, 'utf8');
      expect(code.includes(VALIDATOR_CODE), file).toBe(false);
      for (const m of code.matchAll(/^(?:import|export)[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gms)) {
        const spec = m[1] ?? m[2];
        if (spec?.startsWith('./')) visit(spec.slice(2));
        else if (spec === '#static-validators')
          visit(manifest.imports[spec]!['node-addons'].import.replace('./dist/', ''));
      }
    };
    visit('index.js');
    expect(seen.has('static-validators-node.js')).toBe(true);
    expect(readFileSync(`${distDir}static-validators.js`, 'utf8')).toContain(VALIDATOR_CODE);
  });

  it('an app using validateCredentialAsync loads the validators later; validateCredential: at once', async () => {
    const lazy = await appBundle('validateCredentialAsync');
    expect(lazy.first).not.toContain(VALIDATOR_CODE);
    expect(lazy.later).toContain(VALIDATOR_CODE);
    // Control: the synchronous API needs them in the first load.
    const eager = await appBundle('validateCredential');
    expect(eager.first).toContain(VALIDATOR_CODE);
  });
});
