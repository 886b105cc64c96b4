/**
 * The key-file format (`divoc keys generate` writes it; `divoc issue --key`, `divoc serve` and @divoc/service read it):
 * `parseKeyFile` / `serializeKeyFile` in the main entry, `readKeyFile` / `writeKeyFile` in `@divoc/keys/node`.
 * Every refusal sits next to a genuine control that loads, and no error (message, stack, own properties, causes)
 * carries any part of a secret.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DIVOC_KEY_ID,
  KeyError,
  KeyFileExistsError,
  KeyFileInvalidError,
  KeyFileTooLargeError,
  KeyFileUnreadableError,
  MAX_KEY_FILE_BYTES,
  controllerOf,
  defaultKeyId,
  exportPrivateJwk,
  exportPrivatePem,
  exportPublicJwk,
  exportPublicPem,
  generateKeyPair,
  isDivocError,
  parseKeyFile,
  parseKeyFileJson,
  privateKeyBase58,
  publicKeyBase58,
  serializeKeyFile,
  verificationMethodId,
  type KeyPair,
  type KeyType,
} from '@divoc/keys';
import { readKeyFile, readKeyFileBytes, writeKeyFile } from '@divoc/keys/node';
import { everythingShown } from '../../../test/support/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'divoc-keys-keyfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MARKER = 'SeCrEtMaRkEr';
const TYPES: KeyType[] = ['Ed25519', 'P-256', 'RSA'];
const keys = new Map<KeyType, KeyPair>();
async function keyOf(type: KeyType): Promise<KeyPair> {
  if (!keys.has(type)) keys.set(type, await generateKeyPair(type));
  return keys.get(type)!;
}

/** Everything an error shows: message, stack and own properties, down its `cause` chain. */
const everything = everythingShown;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const samePrivate = (a: KeyPair, b: KeyPair) => exportPrivateJwk(a).d === exportPrivateJwk(b).d;

describe('parseKeyFile / serializeKeyFile: valid files of every key type', () => {
  it.each(TYPES)('%s: a divoc-key file round-trips (text and bytes), with its id and controller', async (type) => {
    const keyPair = await keyOf(type);
    const id = type === 'RSA' ? defaultKeyId(keyPair) : `${verificationMethodId(keyPair)}`;
    const controller = controllerOf(id);
    const text = serializeKeyFile(
      { keyPair, id, ...(controller !== undefined ? { controller } : {}) },
      { now: new Date('2024-01-02T03:04:05Z') },
    );
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json).toMatchObject({
      kind: 'divoc-key',
      version: 1,
      type,
      id,
      created: '2024-01-02T03:04:05.000Z',
      publicKeyJwk: exportPublicJwk(keyPair),
    });
    expect(text.endsWith('}\n')).toBe(true);
    for (const input of [text, new TextEncoder().encode(text), `\uFEFF${text}`]) {
      const key = parseKeyFile(input, { name: 'k.json', requirePrivate: true });
      expect(key.source).toBe('divoc-key');
      expect(key.id).toBe(id);
      expect(key.controller).toBe(controller);
      expect(key.keyPair.type).toBe(type);
      expect(samePrivate(key.keyPair, keyPair)).toBe(true);
    }
    expect(parseKeyFile(text, { explicitId: 'did:web:example.org#k' }).id).toBe('did:web:example.org#k');
    expect(parseKeyFileJson(json).id).toBe(id);
  });

  it.each(TYPES)('%s: a PEM, a JWK and a public PEM load, with derived ids', async (type) => {
    const keyPair = await keyOf(type);
    const pem = parseKeyFile(exportPrivatePem(keyPair), { requirePrivate: true });
    expect(pem).toMatchObject({ source: 'pem', id: defaultKeyId(keyPair) });
    expect(samePrivate(pem.keyPair, keyPair)).toBe(true);
    const jwk = parseKeyFile(JSON.stringify({ ...exportPrivateJwk(keyPair), kid: 'my-kid' }));
    expect(jwk).toMatchObject({ source: 'jwk', id: 'my-kid' });
    const pub = parseKeyFile(exportPublicPem(keyPair));
    expect(pub.keyPair.privateKey).toBeUndefined();
    expect(pub.id).toBe(defaultKeyId(keyPair));
    if (type === 'RSA') expect(pub.id).toMatch(/^urn:divoc:key:[\w-]{43}$/);
    else expect(pub.id).toMatch(/^did:key:z/);
  });

  it('DIVOC key JSON (base58) loads as did:india', async () => {
    const keyPair = await keyOf('Ed25519');
    const key = parseKeyFile(
      JSON.stringify({
        type: 'Ed25519VerificationKey2018',
        publicKeyBase58: publicKeyBase58(keyPair),
        privateKeyBase58: privateKeyBase58(keyPair),
      }),
    );
    expect(key).toMatchObject({ source: 'divoc-config', id: DIVOC_KEY_ID });
    expect(samePrivate(key.keyPair, keyPair)).toBe(true);
  });

  it('controllerOf and defaultKeyId', async () => {
    expect(controllerOf('did:web:example.org#key-1')).toBe('did:web:example.org');
    expect(controllerOf('did:web:example.org')).toBeUndefined();
    expect(controllerOf('urn:divoc:key:abc')).toBeUndefined();
    const ed = await keyOf('Ed25519');
    expect(defaultKeyId(ed)).toBe(verificationMethodId(ed));
  });
});

describe('parseKeyFile: hostile files are refused with typed errors (each next to a control)', () => {
  async function good(type: KeyType = 'Ed25519'): Promise<{ text: string; json: Record<string, unknown> }> {
    const keyPair = await keyOf(type);
    const text = serializeKeyFile({ keyPair, id: defaultKeyId(keyPair) });
    return { text, json: JSON.parse(text) as Record<string, unknown> };
  }

  it('truncated: every cut of a good file is ERR_KEY_FILE_INVALID naming the file; the whole file loads', async () => {
    const { text } = await good();
    expect(parseKeyFile(text, { name: 'k.json' }).source).toBe('divoc-key'); // control
    for (const cut of [1, 10, 40, Math.floor(text.length / 2), text.length - 3]) {
      const error = thrown(() => parseKeyFile(text.slice(0, cut), { name: 'k.json' }));
      expect(error, String(cut)).toBeInstanceOf(KeyFileInvalidError);
      expect(error).toBeInstanceOf(KeyError);
      expect(isDivocError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_KEY_FILE_INVALID', fileName: 'k.json' });
      expect((error as Error).message.startsWith('k.json: ')).toBe(true);
    }
    const mid = thrown(() =>
      parseKeyFile(text.slice(0, text.indexOf('BEGIN')), { name: 'k.json' }),
    ) as KeyFileInvalidError;
    expect(mid.jsonPath).toBe('$.privateKeyPem');
    expect(mid.message).toMatch(/\$\.privateKeyPem/);
  });

  it(
    'duplicate members are refused (ERR_JSON_DUPLICATE_KEY behind ERR_KEY_FILE_INVALID); the same file ' +
      'without the duplicate loads',
    async () => {
      const { json } = await good();
      const control = JSON.stringify(json);
      expect(parseKeyFile(control).source).toBe('divoc-key');
      const dup = control.replace('"kind":"divoc-key"', '"kind":"divoc-key","kind":"divoc-key"');
      const error = thrown(() => parseKeyFile(dup, { name: 'dup.json' })) as KeyFileInvalidError;
      expect(error).toBeInstanceOf(KeyFileInvalidError);
      expect(error.jsonPath).toBe('$.kind');
      expect((error.cause as { code?: string }).code).toBe('ERR_JSON_DUPLICATE_KEY');
      expect(error.message).toMatch(/^dup\.json: refused: .*\$\.kind/);
      const proto = control.replace('{', '{"__proto__":{},');
      expect(thrown(() => parseKeyFile(proto))).toMatchObject({
        code: 'ERR_KEY_FILE_INVALID',
        cause: { code: 'ERR_JSON_FORBIDDEN_KEY' },
      });
    },
  );

  it('wrong types and missing members name the member; the good file loads', async () => {
    const { json } = await good();
    expect(parseKeyFileJson(json).source).toBe('divoc-key'); // control
    const other = await keyOf('P-256');
    const cases: [Record<string, unknown> | unknown, string, RegExp][] = [
      [{ ...json, version: '1' }, '$.version', /unsupported divoc-key version \(expected 1\)/],
      [{ ...json, version: 2 }, '$.version', /unsupported divoc-key version 2 \(expected 1\)/],
      [{ ...json, privateKeyPem: 5 }, '$.privateKeyPem', /lacks "privateKeyPem"/],
      [{ ...json, id: 5 }, '$.id', /lacks "id"/],
      [{ ...json, id: '' }, '$.id', /lacks "id"/],
      [{ ...json, controller: {} }, '$.controller', /"controller" must be a string/],
      [{ ...json, type: 'P-256' }, '$.type', /"type" says "P-256" but the key is Ed25519/],
      [{ ...json, type: 'ed25519!' }, '$.type', /"type" is not Ed25519, P-256, RSA \(the key is Ed25519\)/],
      [{ ...json, publicKeyJwk: exportPublicJwk(other) }, '$.publicKeyJwk', /does not match the private key/],
      [{ ...json, kind: 'something' }, '$', /unrecognised key JSON/],
      [[json], '$', /must be an object/],
      ['divoc-key', '$', /must be an object/],
    ];
    for (const [value, path, message] of cases) {
      const error = thrown(() => parseKeyFileJson(value, { name: 'k.json' })) as KeyFileInvalidError;
      expect(error, JSON.stringify(value).slice(0, 60)).toBeInstanceOf(KeyFileInvalidError);
      expect(error.jsonPath).toBe(path);
      expect(error.reason).toMatch(message);
      expect(error.message).toContain('k.json: ');
      expect(error.message).toContain(path);
      // Through the text path too (text that does not start with `{` is no key JSON at all: "not a key file").
      const viaText = thrown(() => parseKeyFile(JSON.stringify(value), { name: 'k.json' }));
      if (typeof value === 'object' && !Array.isArray(value))
        expect(viaText).toMatchObject({ code: 'ERR_KEY_FILE_INVALID', jsonPath: path });
      else
        expect(viaText).toMatchObject({
          code: 'ERR_KEY_FILE_INVALID',
          reason: expect.stringMatching(/^not a key file/),
        });
    }
    // A bad key in a good container: the key error is the cause.
    const bad = thrown(() =>
      parseKeyFileJson({ ...json, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }),
    ) as KeyFileInvalidError;
    expect(bad).toMatchObject({ code: 'ERR_KEY_FILE_INVALID', jsonPath: '$.privateKeyPem' });
    expect(bad.cause).toBeInstanceOf(KeyError);
    expect(bad.reason).toMatch(/\(ERR_KEY_[A-Z_]+\)$/);
    expect(thrown(() => parseKeyFile('hello'))).toMatchObject({
      code: 'ERR_KEY_FILE_INVALID',
      reason: expect.stringMatching(/^not a key file/),
    });
  });

  it('a public key where a private key is needed is refused; without requirePrivate it loads', async () => {
    const pem = exportPublicPem(await keyOf('Ed25519'));
    expect(parseKeyFile(pem).keyPair.privateKey).toBeUndefined(); // control
    expect(thrown(() => parseKeyFile(pem, { name: 'pub.pem', requirePrivate: true }))).toMatchObject({
      code: 'ERR_KEY_FILE_INVALID',
      message: 'pub.pem: holds a public key only; a private key is needed to sign',
    });
  });

  it(
    'oversized: MAX_KEY_FILE_BYTES + 1 is refused before parsing (bytes and text); a file of exactly the ' +
      'limit loads',
    async () => {
      const { text } = await good();
      const atLimit = text + ' '.repeat(MAX_KEY_FILE_BYTES - Buffer.byteLength(text));
      expect(Buffer.byteLength(atLimit)).toBe(MAX_KEY_FILE_BYTES);
      expect(parseKeyFile(atLimit).source).toBe('divoc-key'); // control
      expect(parseKeyFile(new TextEncoder().encode(atLimit)).source).toBe('divoc-key');
      for (const over of [
        `${atLimit} `,
        new TextEncoder().encode(`${atLimit} `),
        `${text}${'é'.repeat(MAX_KEY_FILE_BYTES / 2)}`,
      ]) {
        const error = thrown(() => parseKeyFile(over, { name: 'big.json' }));
        expect(error).toBeInstanceOf(KeyFileTooLargeError);
        expect(error).toMatchObject({
          code: 'ERR_KEY_FILE_TOO_LARGE',
          limit: MAX_KEY_FILE_BYTES,
          message: `big.json: larger than ${MAX_KEY_FILE_BYTES} bytes: not a key file`,
        });
      }
      expect(parseKeyFile(text, { maxBytes: text.length }).source).toBe('divoc-key');
      expect(thrown(() => parseKeyFile(text, { maxBytes: text.length - 1 }))).toBeInstanceOf(KeyFileTooLargeError);
    },
  );

  it('a secret marker is never in any message, stack, property or cause; the good key beside them loads', async () => {
    const ed = await keyOf('Ed25519');
    const { json } = await good();
    const jwk = exportPrivateJwk(ed);
    const hostile: Record<string, string> = {
      'jwk-d-unquoted': `{"kty":"OKP","crv":"Ed25519","x":"${jwk.x}","d": ${MARKER}nWGxne_9WmC6hEr0kuwsxERJxWl7Mm}`,
      'jwk-d-bad-base64': `{"kty":"OKP","crv":"Ed25519","x":"${jwk.x}","d":"${MARKER}!!"}`,
      'jwk-d-truncated':
        `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue6` +
        `59LNpXW6pCyStikYjKIWI5a0","d":"${MARKER}`,
      'jwk-d-wrong': `{"kty":"OKP","crv":"Ed25519","x":"${jwk.x}","d":"${MARKER}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`,
      'duplicate-d': `{"kty":"OKP","crv":"Ed25519","x":"${jwk.x}","d":"${MARKER}","d":"${MARKER}"}`,
      base58: `{"type":"Ed25519","publicKeyBase58":"${MARKER}","privateKeyBase58":"${MARKER}0OIl"}`,
      pem:
        `-----BEGIN PRIVATE KEY-----\n${MARKER}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END ` +
        `PRIVATE KEY-----\n`,
      'divoc-key-pem': JSON.stringify({
        ...json,
        privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${MARKER}AAAA\n-----END PRIVATE KEY-----\n`,
      }),
      'divoc-key-type': JSON.stringify({ ...json, type: MARKER }),
      'divoc-key-version': JSON.stringify({ ...json, version: MARKER }),
      'divoc-key-id': JSON.stringify({ ...json, id: 7, controller: MARKER.length }).replace('"id":7', `"id":${MARKER}`),
      'not-json': `${MARKER}`,
      array: `[${JSON.stringify(MARKER)}]`,
    };
    expect(parseKeyFile(JSON.stringify(jwk), { requirePrivate: true }).source).toBe('jwk'); // control
    expect(parseKeyFile(JSON.stringify(json), { requirePrivate: true }).source).toBe('divoc-key'); // control
    for (const [name, text] of Object.entries(hostile)) {
      const error = thrown(() => parseKeyFile(text, { name, requirePrivate: true }));
      expect(isDivocError(error), `${name}: ${String(error)}`).toBe(true);
      expect((error as { code: string }).code, name).toBe('ERR_KEY_FILE_INVALID');
      expect((error as Error).message, name).toContain(name);
      expect(everything(error), name).not.toContain(MARKER);
      expect(everything(error), name).not.toMatch(/SeCr/);
    }
  });
});

describe('@divoc/keys/node: readKeyFile', () => {
  it(
    'reads every key type from disk; a missing file, a directory and an oversized file are typed errors ' +
      '(controls load)',
    async () => {
      for (const type of TYPES) {
        const keyPair = await keyOf(type);
        const path = join(dir, `read-${type}.key.json`);
        writeFileSync(path, serializeKeyFile({ keyPair, id: defaultKeyId(keyPair) }), { mode: 0o600 });
        const key = await readKeyFile(path, { requirePrivate: true });
        expect(key.source).toBe('divoc-key');
        expect(samePrivate(key.keyPair, keyPair)).toBe(true);
      }
      const missing = join(dir, 'missing.key.json');
      await expect(readKeyFile(missing, { name: 'missing.key.json' })).rejects.toMatchObject({
        code: 'ERR_KEY_FILE_UNREADABLE',
        systemCode: 'ENOENT',
        fileName: 'missing.key.json',
        message: 'cannot read missing.key.json: no such file',
      });
      await expect(readKeyFile(dir)).rejects.toBeInstanceOf(KeyFileUnreadableError);
      await expect(readKeyFile(dir)).rejects.toMatchObject({ systemCode: 'EISDIR', reason: 'is a directory' });

      const keyPair = await keyOf('Ed25519');
      const text = serializeKeyFile({ keyPair, id: defaultKeyId(keyPair) });
      const atLimit = join(dir, 'at-limit.key.json');
      writeFileSync(atLimit, text + ' '.repeat(MAX_KEY_FILE_BYTES - Buffer.byteLength(text)));
      expect((await readKeyFile(atLimit)).source).toBe('divoc-key'); // control
      const over = join(dir, 'over.key.json');
      writeFileSync(over, text + ' '.repeat(MAX_KEY_FILE_BYTES + 1 - Buffer.byteLength(text)));
      await expect(readKeyFile(over, { name: 'over.key.json' })).rejects.toMatchObject({
        code: 'ERR_KEY_FILE_TOO_LARGE',
        limit: MAX_KEY_FILE_BYTES,
      });
      await expect(readKeyFileBytes(over, { maxBytes: 10 })).rejects.toBeInstanceOf(KeyFileTooLargeError);
      expect((await readKeyFileBytes(atLimit)).length).toBe(MAX_KEY_FILE_BYTES);
    },
  );

  it.runIf(process.platform === 'linux')('a device that never ends is refused at the cap while reading', async () => {
    await expect(readKeyFile('/dev/zero', { name: 'zero' })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_TOO_LARGE' });
  });

  it(
    'an unreadable file is ERR_KEY_FILE_UNREADABLE (EACCES) unless running as root; a bad file on disk is ' +
      'ERR_KEY_FILE_INVALID without its content',
    async () => {
      const path = join(dir, 'locked.key.json');
      writeFileSync(path, '{}', { mode: 0o000 });
      if (process.getuid?.() !== 0)
        await expect(readKeyFile(path)).rejects.toMatchObject({
          code: 'ERR_KEY_FILE_UNREADABLE',
          systemCode: 'EACCES',
        });
      chmodSync(path, 0o600);
      const bad = join(dir, 'bad.key.json');
      writeFileSync(bad, `{"kty":"OKP","crv":"Ed25519","d": ${MARKER}}`);
      const error = await readKeyFile(bad, { name: 'bad.key.json' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyFileInvalidError);
      expect(everything(error)).not.toContain(MARKER);
    },
  );
});

describe('@divoc/keys/node: writeKeyFile', () => {
  it.each(TYPES)('%s: writes a 0600 divoc-key file (even under umask 0) that readKeyFile loads', async (type) => {
    let previous: number | undefined;
    try {
      previous = process.umask(0); // not allowed in worker threads: then the default umask is checked
    } catch {
      previous = undefined;
    }
    try {
      const keyPair = await keyOf(type);
      const path = join(dir, `write-${type}.key.json`);
      await writeKeyFile(path, { keyPair, id: 'did:web:example.org#k1', controller: 'did:web:example.org' });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const key = await readKeyFile(path, { requirePrivate: true });
      expect(key).toMatchObject({
        id: 'did:web:example.org#k1',
        controller: 'did:web:example.org',
        source: 'divoc-key',
      });
      expect(samePrivate(key.keyPair, keyPair)).toBe(true);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ kind: 'divoc-key', type });
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });

  it(
    'refuses an existing file unless overwrite, then resets the mode to 0600; ' + 'never writes through a symlink',
    async () => {
      const keyPair = await keyOf('Ed25519');
      const path = join(dir, 'existing.key.json');
      writeFileSync(path, 'old');
      chmodSync(path, 0o644);
      await expect(writeKeyFile(path, { keyPair, id: defaultKeyId(keyPair) })).rejects.toBeInstanceOf(
        KeyFileExistsError,
      );
      expect(readFileSync(path, 'utf8')).toBe('old');
      await writeKeyFile(path, { keyPair, id: defaultKeyId(keyPair) }, { overwrite: true });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect((await readKeyFile(path)).id).toBe(defaultKeyId(keyPair));

      const target = join(dir, 'target.txt');
      writeFileSync(target, 'target');
      const link = join(dir, 'link.key.json');
      symlinkSync(target, link);
      await expect(writeKeyFile(link, { keyPair, id: 'x:y' })).rejects.toMatchObject({ code: 'ERR_KEY_FILE_EXISTS' });
      await expect(writeKeyFile(link, { keyPair, id: 'x:y' }, { overwrite: true })).rejects.toMatchObject({
        code: 'ELOOP',
      });
      expect(readFileSync(target, 'utf8')).toBe('target');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      mkdirSync(join(dir, 'sub'));
      await writeKeyFile(join(dir, 'sub', 'fresh.key.json'), { keyPair, id: 'x:y' }); // control: a fresh path works
      expect(statSync(join(dir, 'sub', 'fresh.key.json')).mode & 0o777).toBe(0o600);
    },
  );
});
