import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  existsSync,
  symlinkSync,
} from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every published package must pack to built code (ESM and CJS), types for each, README and licence: nothing else,
// nothing missing. Then the tarballs are installed in a project outside the workspace and used from CommonJS, ESM
// and TypeScript (nodenext, CommonJS and ESM). `pnpm test` builds before vitest runs, so dist/ is present here.
const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir).filter((name) => existsSync(join(packagesDir, name, 'package.json')));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Manifest {
  name: string;
  exports: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
}

/** Every file an exports map names (conditions nest). */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}

let outDir: string;
const tarballs = new Map<string, string>();
beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'divoc-pack-'));
  for (const name of packages) {
    const dir = join(packagesDir, name);
    if (!existsSync(join(dir, 'dist', 'index.js'))) continue; // reported by the test below
    execFileSync('pnpm', ['pack', '--pack-destination', outDir], { cwd: dir, stdio: 'pipe' });
    const tarball = readdirSync(outDir).find((f) => f.startsWith(`divoc-${name}-`) && f.endsWith('.tgz'));
    if (tarball) tarballs.set(name, join(outDir, tarball));
  }
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('pnpm pack', () => {
  it.each(packages)('%s packs ESM and CJS code, types for each, README, CHANGELOG and LICENSE', (name) => {
    const dir = join(packagesDir, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    expect(existsSync(join(dir, 'dist', 'index.js')), `${name}: dist/ missing — run pnpm build`).toBe(true);
    const tarball = tarballs.get(name);
    expect(tarball).toBeDefined();
    const files = execFileSync('tar', ['-tzf', tarball!], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
      expect(files).toContain(file);
    for (const file of ['dist/index.cjs', 'dist/index.d.cts']) expect(files).toContain(file);
    // Every entry point has both conditions, each with its own types.
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue;
      expect(target, `${name} ${subpath}`).toMatchObject({
        import: { types: expect.stringMatching(/\.d\.ts$/), default: expect.stringMatching(/\.js$/) },
        require: { types: expect.stringMatching(/\.d\.cts$/), default: expect.stringMatching(/\.cjs$/) },
      });
    }
    for (const file of exportTargets(manifest.exports)) expect(files).toContain(file.replace(/^\.\//, ''));
    for (const bin of Object.values(manifest.bin ?? {})) expect(files).toContain(bin.replace(/^\.\//, ''));
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.map'))).toEqual([]);
    // workspace:* ranges are rewritten to real versions on pack.
    const packed = execFileSync('tar', ['-xzOf', tarball!, 'package/package.json'], { encoding: 'utf8' });
    expect(packed).not.toContain('workspace:');
  });
});

// engines.node is what the packages need: require(esm) (CommonJS users of ESM-only dependencies, and fastify's
// light-my-request loading cookie 2) is unflagged from Node 20.19.
describe('engines', () => {
  const atLeast = (version: string, [major, minor]: [number, number]) => {
    const [a = 0, b = 0] = version.split('.').map(Number);
    return a > major || (a === major && b >= minor);
  };

  it('every package and the workspace say node >=20.19, which this Node satisfies', () => {
    for (const dir of [root, ...packages.map((name) => join(packagesDir, name))]) {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { engines?: { node?: string } };
      expect(manifest.engines?.node, dir).toBe('>=20.19');
    }
    expect(atLeast(process.versions.node, [20, 19])).toBe(true);
    // Control: the check tells versions apart.
    expect(atLeast('20.18.3', [20, 19])).toBe(false);
  });

  it("fastify's cookie 2 (engines: node >=22) loads through require() on this Node", () => {
    const service = join(packagesDir, 'service');
    const script = `const { createRequire } = require('node:module');
      const fastify = createRequire(require.resolve('fastify'));
      const lmr = createRequire(fastify.resolve('light-my-request'));
      const cookie = lmr('cookie');
      const path = require('node:path');
      const manifest = path.join(path.dirname(lmr.resolve('cookie')), '..', 'package.json');
      const declared = JSON.parse(require('node:fs').readFileSync(manifest, 'utf8')).engines.node;
      console.log(JSON.stringify({ declared, cookie: cookie.stringifySetCookie({ name: 'a', value: 'b' }) }));`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: service, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ declared: '>=22', cookie: 'a=b' });
  });
});

// The tarballs, installed as npm would lay them out, in a project under the system temp dir: nothing of the
// workspace is reachable from it. Third-party dependencies are linked from the workspace's own install (same
// versions as the lockfile; no network), and only those the packed package.json declares: an undeclared runtime
// dependency fails here.
describe('installed outside the workspace', () => {
  let app: string;
  const entryPoints: string[] = [];

  beforeAll(() => {
    app = join(outDir, 'app');
    const modules = join(app, 'node_modules');
    mkdirSync(join(modules, '@divoc'), { recursive: true });
    for (const [name, tarball] of tarballs) {
      const dir = join(modules, '@divoc', name);
      mkdirSync(dir);
      execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      const deps = {
        ...manifest.dependencies,
        ...manifest.optionalDependencies,
        ...manifest.peerDependencies,
      };
      for (const dep of Object.keys(deps)) {
        if (dep.startsWith('@divoc/')) continue;
        // npm does not install an optional peer (Ajv for @divoc/schemas): the packages must work without it.
        if (manifest.peerDependenciesMeta?.[dep]?.optional && !manifest.dependencies?.[dep]) continue;
        const installed = join(packagesDir, name, 'node_modules', dep);
        if (!existsSync(installed)) continue; // an optional peer nobody installed
        const link = join(dir, 'node_modules', dep);
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(realpathSync(installed), link, 'dir');
      }
      for (const subpath of Object.keys(manifest.exports))
        if (subpath !== './package.json') entryPoints.push(`${manifest.name}${subpath.slice(1)}`);
    }
    // Types for the TypeScript projects below.
    mkdirSync(join(modules, '@types'));
    symlinkSync(realpathSync(join(root, 'node_modules', '@types', 'node')), join(modules, '@types', 'node'), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  });

  // Without NODE_PATH: pnpm's bin shims (vitest's among them) set it to the workspace's whole store, where every
  // package is found, declared or not.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_PATH'));
  const node = (file: string) => {
    const run = spawnSync(process.execPath, [file], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  };

  // Issue a W3C VC with a fresh did:key and verify it with @divoc/verifier: real work through every layer.
  const issueAndVerify = `
    const key = await keys.generateKeyPair('Ed25519');
    const did = keys.didKeyFromKeyPair(key);
    const record = {
      refId: 'R-1', name: 'Asha Rao', dob: '1990-01-15', gender: 'Female', vaccine: 'Covishield', batch: 'AB1',
      vaccinationDate: '2021-07-12', dose: 1, totalDoses: 2, facilityName: 'PHC', facilityCountry: 'IN',
      vaccinatorName: 'Dr. Rao',
    };
    const issued = await issuer.issueAllFormats({ template: 'vaccination-v2', record }, {
      issuer: did, keys: { vc: keys.createSigner(key, { id: keys.verificationMethodId(key) }) },
    });
    const trust = new verifier.Trust();
    trust.add(did);
    const good = await verifier.verify(issued.outputs['w3c-vc'].json, { trust });
    const tampered = structuredClone(issued.outputs['w3c-vc'].credential);
    tampered.credentialSubject.name = 'Someone Else';
    const bad = await verifier.verify(tampered, { trust });
    // A language-tagged value is outside the fast path: jsonld.js (bundled into @divoc/vc) canonicalises it.
    const tagged = { '@context': { '@vocab': 'https://example.org/' }, name: { '@value': 'x', '@language': 'en' } };
    const general = await vc.canonize(tagged);
    const summary = { good: good.valid, format: good.format, name: good.summary.name, bad: bad.valid, general };
    console.log(JSON.stringify(summary));
  `;
  const expected = {
    good: true,
    format: 'w3c-vc',
    name: 'Asha Rao',
    bad: false,
    general: '_:c14n0 <https://example.org/name> "x"@en .\n',
  };

  it('require() loads every entry point of every package', () => {
    expect(entryPoints).toContain('@divoc/verifier');
    expect(entryPoints).toContain('@divoc/keys/pkcs11');
    writeFileSync(
      join(app, 'require-all.cjs'),
      `const out = {};
      for (const id of ${JSON.stringify(entryPoints)}) out[id] = Object.keys(require(id)).length;
      console.log(JSON.stringify(out));`,
    );
    const run = node('require-all.cjs');
    expect(run.stderr).toBe('');
    const counts = JSON.parse(run.stdout) as Record<string, number>;
    for (const id of entryPoints) expect(counts[id], id).toBeGreaterThan(0);
  });

  it('require(): issues and verifies a credential (and rejects a tampered one)', () => {
    writeFileSync(
      join(app, 'verify.cjs'),
      `const keys = require('@divoc/keys');
      const issuer = require('@divoc/issuer');
      const verifier = require('@divoc/verifier');
      const vc = require('@divoc/vc');
      if (typeof require('@divoc/verifier/package.json').version !== 'string') throw new Error('no package.json');
      (async () => { ${issueAndVerify} })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const run = node('verify.cjs');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(expected);
  });

  it('import: issues and verifies a credential (and rejects a tampered one)', () => {
    writeFileSync(
      join(app, 'verify.mjs'),
      `import * as keys from '@divoc/keys';
      import * as issuer from '@divoc/issuer';
      import * as verifier from '@divoc/verifier';
      import * as vc from '@divoc/vc';
      ${issueAndVerify}`,
    );
    const run = node('verify.mjs');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(expected);
  });

  // Ajv is an optional peer of @divoc/schemas, not installed here: built-in types (precompiled validators) work, a
  // custom type says what to install, and works once Ajv is given.
  it('without Ajv: built-in types validate, a custom type asks for `npm i ajv`', () => {
    const ajv = realpathSync(join(packagesDir, 'schemas', 'node_modules', 'ajv', 'dist', '2020.js'));
    writeFileSync(
      join(app, 'no-ajv.cjs'),
      `const schemas = require('@divoc/schemas');
      const record = {
        refId: 'R-1', name: 'Asha Rao', dob: '1990-01-15', gender: 'Female', vaccine: 'Covishield', batch: 'AB1',
        vaccinationDate: '2021-07-12', dose: 1, totalDoses: 2, facilityName: 'PHC', facilityCountry: 'IN',
        vaccinatorName: 'Dr. Rao',
      };
      const built = schemas.buildCredential('vaccination-v2', record, {
        issuer: 'https://divoc.dev/', issuanceDate: '2021-05-03T11:00:00Z',
      });
      const builtIn = [built, { ...built, issuanceDate: '2021-05-03' }].map((c) => schemas.validateCredential(c).valid);
      const custom = () => new schemas.CredentialTypeRegistry({ builtIns: false }).register({
        ...schemas.vaccinationV2CredentialType, name: 'custom', schema: { type: 'object', required: ['x'] },
      });
      let missing;
      try { custom(); } catch (e) { missing = { code: e.code, asks: /npm i ajv/.test(e.message) }; }
      let resolvable = true;
      const from = { paths: [require.resolve('@divoc/schemas')] };
      try { require.resolve('ajv/dist/2020.js', from); } catch { resolvable = false; }
      schemas.useAjv(require(${JSON.stringify(ajv)}).Ajv2020);
      const given = custom().has('custom');
      console.log(JSON.stringify({ builtIn, missing, resolvable, given }));`,
    );
    const run = node('no-ajv.cjs');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      builtIn: [true, false], // the precompiled validator's date-time format check rejects the second
      missing: { code: 'ERR_AJV_MISSING', asks: true },
      resolvable: false,
      given: true,
    });
    // The published types do not import Ajv either (a TypeScript user without it would get errors).
    for (const file of ['index.d.ts', 'index.d.cts'])
      expect(readFileSync(join(app, 'node_modules', '@divoc', 'schemas', 'dist', file), 'utf8')).not.toMatch(
        /^(import|export)\b[^;]*from ['"]ajv|import\(['"]ajv/m,
      );
  });

  it('a private path stays private for require() and import (package.json is exported)', () => {
    writeFileSync(
      join(app, 'private.cjs'),
      `const tryIt = (id) => { try { require(id); return 'ok'; } catch (e) { return e.code; } };
      import('@divoc/keys/dist/index.js').then(() => 'ok', (e) => e.code).then((esm) => console.log(JSON.stringify({
        manifest: tryIt('@divoc/keys/package.json'), cjs: tryIt('@divoc/keys/dist/index.cjs'), esm,
      })));`,
    );
    const run = node('private.cjs');
    expect(JSON.parse(run.stdout)).toEqual({
      manifest: 'ok',
      cjs: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      esm: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
  });

  /** A TypeScript project in `app/<name>` (module nodenext), compiled with tsc and run with node. */
  function typescriptProject(name: string, type: 'commonjs' | 'module', source: string) {
    const dir = join(app, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          types: ['node'],
          outDir: 'out',
          rootDir: '.',
        },
        files: ['index.ts'],
      }),
    );
    writeFileSync(join(dir, 'index.ts'), source);
    const build = spawnSync(process.execPath, [tsc, '-p', dir, '--listFiles'], { encoding: 'utf8', timeout: 120_000 });
    return { status: build.status, output: build.stdout + build.stderr, run: () => node(join(dir, 'out', 'index.js')) };
  }

  const typedSource = (importLines: string) => `${importLines}
    async function main(): Promise<void> {
      const key: keys.KeyPair = await keys.generateKeyPair('Ed25519');
      const did: string = keys.didKeyFromKeyPair(key);
      const trust = new verifier.Trust();
      trust.add(did);
      const result: verifier.VerificationResult = await verifier.verify('not a credential', { trust });
      const code = result.checks[0]?.code;
      console.log(JSON.stringify({ valid: result.valid, code, did: did.startsWith('did:key:') }));
    }
    void main();
  `;
  const typedExpected = { valid: false, code: 'ERR_INPUT_UNRECOGNIZED', did: true };

  it('TypeScript nodenext, CommonJS project: typechecks against the .d.cts types and runs', () => {
    const project = typescriptProject(
      'ts-cjs',
      'commonjs',
      typedSource(`import * as keys from '@divoc/keys';\nimport * as verifier from '@divoc/verifier';`),
    );
    expect(project.output).not.toMatch(/error TS/);
    expect(project.status).toBe(0);
    expect(project.output).toMatch(/@divoc\/verifier\/dist\/index\.d\.cts/);
    expect(project.output).not.toMatch(/@divoc\/verifier\/dist\/index\.d\.ts\b/);
    const run = project.run();
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(typedExpected);
  }, 120_000);

  it('TypeScript nodenext, ESM project: typechecks against the .d.ts types and runs', () => {
    const project = typescriptProject(
      'ts-esm',
      'module',
      typedSource(`import * as keys from '@divoc/keys';\nimport * as verifier from '@divoc/verifier';`),
    );
    expect(project.output).not.toMatch(/error TS/);
    expect(project.status).toBe(0);
    expect(project.output).toMatch(/@divoc\/verifier\/dist\/index\.d\.ts\b/);
    const run = project.run();
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(typedExpected);
  }, 120_000);

  // (ESM resolution of the same path is refused at run time above; one tsc run here keeps the suite fast.)
  it('TypeScript nodenext, CommonJS project: a private path does not typecheck', () => {
    for (const type of ['commonjs'] as const) {
      const project = typescriptProject(
        `ts-private-${type}`,
        type,
        `import * as keys from '@divoc/keys/dist/index.js';\nconsole.log(Object.keys(keys).length);`,
      );
      expect(project.status, type).not.toBe(0);
      expect(project.output, type).toMatch(/error TS2307/);
    }
  }, 240_000);
});
