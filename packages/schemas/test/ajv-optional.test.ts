import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  AjvMissingError,
  CredentialTypeRegistry,
  useAjv,
  vaccinationV2CredentialType,
  type AjvConstructor,
} from '@divoc/schemas';
import { compileAtRunTime, requireAjv } from '../src/lib/ajv-compile.js';
import { formats } from '../src/lib/formats.js';

// Ajv is an optional peer dependency: only custom credential types (schemas compiled at run time) need it.
describe('Ajv, loaded only for custom schemas', () => {
  const proc = process as { getBuiltinModule?: unknown };
  const getBuiltinModule = proc.getBuiltinModule;
  afterEach(() => {
    proc.getBuiltinModule = getBuiltinModule;
  });

  it('is found from the package when installed, and compiles with the shared formats', () => {
    const Ajv = requireAjv();
    const ajv = new Ajv({ allErrors: true });
    for (const [name, def] of Object.entries(formats)) ajv.addFormat(name, def as never);
    const validate = ajv.compile({ type: 'string', format: 'date' });
    expect(validate('2021-02-28')).toBe(true);
    expect(validate('2021-02-30')).toBe(false);
  });

  it('missing: a typed error telling what to install (ERR_AJV_MISSING), not a bare MODULE_NOT_FOUND', () => {
    // Resolved from a directory outside the workspace: no node_modules above it has Ajv. pnpm's bin shims put the
    // whole store on NODE_PATH, which would find it anyway, so that is cleared for this test (and restored).
    const dir = mkdtempSync(join(tmpdir(), 'divoc-no-ajv-'));
    const nodePath = process.env.NODE_PATH;
    const Module = createRequire(import.meta.url)('node:module') as { _initPaths(): void };
    delete process.env.NODE_PATH;
    Module._initPaths();
    try {
      const attempt = () => requireAjv(pathToFileURL(join(dir, 'x.js')));
      expect(attempt).toThrow(AjvMissingError);
      expect(attempt).toThrow(/npm i ajv/);
      try {
        attempt();
      } catch (e) {
        expect((e as AjvMissingError).code).toBe('ERR_AJV_MISSING');
        expect(((e as Error).cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
      }
      // Control: the same call from this package finds it.
      expect(typeof requireAjv(import.meta.url)).toBe('function');
    } finally {
      if (nodePath !== undefined) process.env.NODE_PATH = nodePath;
      Module._initPaths();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no Node loader (a browser): ERR_AJV_MISSING pointing at useAjv', () => {
    proc.getBuiltinModule = undefined;
    expect(() => requireAjv()).toThrow(AjvMissingError);
    expect(() => requireAjv()).toThrow(/useAjv\(Ajv2020\)/);
    proc.getBuiltinModule = getBuiltinModule;
    expect(typeof requireAjv()).toBe('function');
  });

  it('useAjv takes the Ajv2020 class as it is typed, and custom schemas compile with it', () => {
    let made = 0;
    class Counting extends Ajv2020 {
      constructor(options: Record<string, unknown>) {
        super(options);
        made++;
      }
    }
    const ctor: AjvConstructor = Counting;
    useAjv(ctor);
    const schema = { type: 'object', required: ['site'], properties: { site: { type: 'string', format: 'uri' } } };
    const validate = compileAtRunTime(schema);
    expect(made).toBe(1);
    expect(validate({ site: 'https://clinic.example/7' })).toBe(true);
    expect(validate({ site: 'clinic 7' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'format', instancePath: '/site' });
    // Registering a custom type compiles its schema (the same way); a built-in needs no Ajv.
    const copy = { ...vaccinationV2CredentialType, name: 'copy', schema: structuredClone(schema) };
    new CredentialTypeRegistry({ builtIns: false }).register(copy);
    expect(made).toBe(2);
    new CredentialTypeRegistry();
    expect(made).toBe(2);
    useAjv(Ajv2020);
  });
});

// The two formats taken from ajv-formats (compiled into dist/, so ajv-formats and its Ajv are not installed).
describe('formats from ajv-formats', () => {
  // ajv-formats gives a function or a RegExp; Ajv accepts either.
  const check = (name: string, s: string) => {
    const format = formats[name] as RegExp | ((s: string) => boolean);
    return format instanceof RegExp ? format.test(s) : format(s);
  };

  it('uri: absolute URIs only', () => {
    expect(check('uri', 'https://example.org/a?b#c')).toBe(true);
    expect(check('uri', 'urn:uuid:2b1c0f6e-1d0e-4c0e-9a7e-3e1e0f6b1c2d')).toBe(true);
    expect(check('uri', 'not a uri')).toBe(false);
    expect(check('uri', '/relative/path')).toBe(false);
  });

  it('email', () => {
    expect(check('email', 'asha.rao@example.org')).toBe(true);
    expect(check('email', 'asha.rao@')).toBe(false);
    expect(check('email', 'no at sign')).toBe(false);
  });
});
