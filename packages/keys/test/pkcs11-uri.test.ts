import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKeysError } from '@divoc/keys';
import {
  formatPkcs11Uri,
  isPkcs11Uri,
  parsePkcs11Uri,
  pkcs11UriTarget,
  redactPkcs11Uri,
  resolvePkcs11Pin,
} from '../src/pkcs11/index.js';

const MODULE = '/usr/lib/softhsm/libsofthsm2.so';

describe('parsePkcs11Uri (RFC 7512)', () => {
  it('reads path and query attributes', () => {
    const uri = parsePkcs11Uri(
      `pkcs11:token=T;object=issuer-key;type=private?module-path=${MODULE}&pin-source=env:DIVOC_PKCS11_PIN`,
    );
    expect(uri).toEqual({
      token: 'T',
      object: 'issuer-key',
      type: 'private',
      modulePath: MODULE,
      pinSource: 'env:DIVOC_PKCS11_PIN',
    });
  });

  it('percent-decodes text and id bytes; reads slot-id, serial, library-version; ignores x- attributes', () => {
    const uri = parsePkcs11Uri(
      'pkcs11:token=My%20Token;object=k%C3%A9y;id=%01%a2%FF;slot-id=42;serial=abc123;library-version=2.6;x-' +
        'vendor=whatever',
    );
    expect(uri.token).toBe('My Token');
    expect(uri.object).toBe('kéy');
    expect(Array.from(uri.id!)).toEqual([1, 0xa2, 0xff]);
    expect(uri).toMatchObject({ slotId: 42, serial: 'abc123', libraryVersion: '2.6' });
    expect(parsePkcs11Uri('PKCS11:token=T')).toEqual({ token: 'T' });
    expect(parsePkcs11Uri('pkcs11:')).toEqual({});
  });

  it('the RFC 7512 examples parse', () => {
    for (const example of [
      'pkcs11:',
      'pkcs11:object=my-pubkey;type=public',
      'pkcs11:object=my-key;type=private?pin-source=file:/etc/token',
      'pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;objec' +
        't=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin',
      'pkcs11:object=my-sign-key;type=private?module-name=mypkcs11',
      'pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1',
      'pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-value=the-pin',
      'pkcs11:slot-description=Sun%20Metaslot',
      'pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23',
      'pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert',
      'pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert',
      'pkcs11:token=my-token;object=my-certificate;type=cert;vendor-aaa=value-a?pin-source=file:/etc/token_' +
        'pin&vendor-bbb=value-b',
    ]) {
      if (example.includes('vendor-aaa') || example.includes('serial=?')) {
        // Unknown non-x- attributes and empty values are refused here, by design (typos should not pass silently).
        expect(() => parsePkcs11Uri(example), example).toThrow(
          expect.objectContaining({ code: 'ERR_PKCS11_URI_INVALID' }),
        );
      } else {
        expect(() => parsePkcs11Uri(example), example).not.toThrow();
      }
    }
    expect(parsePkcs11Uri('pkcs11:token=A%20name%20with%20a%20substring%20%25%3B').token).toBe(
      'A name with a substring %;',
    );
  });

  it.each([
    ['not a pkcs11 URI', 'file:/etc/key'],
    ['truncated escape', 'pkcs11:token=T%2'],
    ['bad escape', 'pkcs11:token=T%zz'],
    ['unknown attribute', 'pkcs11:tokne=T'],
    ['query attribute in the path', `pkcs11:module-path=${MODULE}`],
    ['path attribute in the query', 'pkcs11:token=T?object=k'],
    ['duplicate attribute', 'pkcs11:token=T;token=U'],
    ['no value', 'pkcs11:token'],
    ['empty value', 'pkcs11:token='],
    ['bad type', 'pkcs11:type=secret'],
    ['bad slot-id', 'pkcs11:slot-id=-1'],
    ['huge slot-id', 'pkcs11:slot-id=99999999999999999999'],
    ['space', 'pkcs11:token=My Token'],
    ['slash in the path', 'pkcs11:object=a/b'],
    ['control character (decoded)', 'pkcs11:object=a%0Ab'],
    ['NUL (decoded)', 'pkcs11:object=a%00b'],
    ['not UTF-8', 'pkcs11:object=%C3'],
    ['empty id', 'pkcs11:id='],
    ['oversized id', `pkcs11:id=${'%01'.repeat(65)}`],
    ['relative module-path', 'pkcs11:token=T?module-path=lib.so'],
    ['both pin-value and pin-source', 'pkcs11:token=T?pin-value=1&pin-source=env:X'],
    ['oversized', `pkcs11:object=${'a'.repeat(5000)}`],
    ['non-ASCII raw', 'pkcs11:object=ké'],
  ])('%s → ERR_PKCS11_URI_INVALID', (_name, text) => {
    let error: unknown;
    try {
      parsePkcs11Uri(text);
    } catch (err) {
      error = err;
    }
    expect(isKeysError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_PKCS11_URI_INVALID' });
  });

  it('wrong-typed input → ERR_PKCS11_URI_INVALID', () => {
    for (const value of [undefined, null, 42, {}, ['pkcs11:']]) {
      expect(() => parsePkcs11Uri(value as never)).toThrow(expect.objectContaining({ code: 'ERR_PKCS11_URI_INVALID' }));
    }
  });

  it('never echoes a PIN in an error message', () => {
    try {
      parsePkcs11Uri('pkcs11:token=T?pin-value=s3cret-pin&pin-value=s3cret-pin');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cret');
    }
  });

  it('isPkcs11Uri, formatPkcs11Uri (drops pin-value) and redactPkcs11Uri', () => {
    expect(isPkcs11Uri('pkcs11:token=T')).toBe(true);
    expect(isPkcs11Uri('./key.pem')).toBe(false);
    expect(isPkcs11Uri(7)).toBe(false);
    const parsed = parsePkcs11Uri(
      `pkcs11:token=My%20Token;object=issuer;id=%01%02;type=private?module-path=${MODULE}&pin-value=1234`,
    );
    const formatted = formatPkcs11Uri(parsed);
    expect(formatted).toBe(`pkcs11:token=My%20Token;object=issuer;type=private;id=%01%02?module-path=${MODULE}`);
    expect(formatted).not.toContain('1234');
    const { pinValue: _pin, ...withoutPin } = parsed;
    expect(parsePkcs11Uri(formatted)).toEqual(withoutPin);
    expect(redactPkcs11Uri('pkcs11:token=T?module-path=/x.so&pin-value=1234&x-a=b')).toBe(
      'pkcs11:token=T?module-path=/x.so&pin-value=***&x-a=b',
    );
  });
});

describe('resolvePkcs11Pin and pkcs11UriTarget', () => {
  it('pin-value, env: and file: sources, and the fallback', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'divoc-pin-'));
    const file = join(dir, 'pin');
    writeFileSync(file, '2468\n', { mode: 0o600 });
    expect(await resolvePkcs11Pin({ pinValue: '1111' })).toBe('1111');
    expect(await resolvePkcs11Pin({ pinSource: 'env:MY_PIN' }, { env: { MY_PIN: '1357' } })).toBe('1357');
    expect(await resolvePkcs11Pin({ pinSource: `file:${file}` })).toBe('2468');
    expect(await resolvePkcs11Pin({ pinSource: `file://${file}` })).toBe('2468');
    expect(await resolvePkcs11Pin({ pinSource: file })).toBe('2468');
    expect(await resolvePkcs11Pin({}, { fallback: '9999' })).toBe('9999');
  });

  it(
    'a pin-source that never ends (/dev/zero) or is huge is refused after 259 bytes, not read whole; a ' +
      '256-character PIN is read',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'divoc-pin-'));
      const long = join(dir, 'long');
      writeFileSync(long, `${'7'.repeat(256)}\n`, { mode: 0o600 });
      expect(await resolvePkcs11Pin({ pinSource: long })).toBe('7'.repeat(256));
      const huge = join(dir, 'huge');
      writeFileSync(huge, 'S3CRET'.repeat(1024 * 1024), { mode: 0o600 });
      for (const pinSource of ['/dev/zero', huge]) {
        const thrown = await resolvePkcs11Pin({ pinSource }).catch((e: unknown) => e);
        expect(thrown).toMatchObject({
          code: 'ERR_PKCS11_PIN_UNAVAILABLE',
          message: expect.stringMatching(/too large to hold a PIN/),
        });
        expect((thrown as Error).message).not.toContain('S3CRET');
      }
    },
  );

  it('DIVOC_PKCS11_PIN and DIVOC_PKCS11_MODULE are the defaults', async () => {
    expect(await resolvePkcs11Pin({}, { env: { DIVOC_PKCS11_PIN: '5555' } })).toBe('5555');
    const target = await pkcs11UriTarget('pkcs11:token=T;object=k', {
      env: { DIVOC_PKCS11_PIN: '5555', DIVOC_PKCS11_MODULE: MODULE },
    });
    expect(target.session).toEqual({ module: MODULE, pin: '5555', tokenLabel: 'T' });
  });

  it.each([
    ['no PIN at all', {}, { env: {} }],
    ['unset variable', { pinSource: 'env:NOPE_NOT_SET' }, { env: {} }],
    ['bad variable name', { pinSource: 'env:1; rm -rf' }, { env: {} }],
    ['missing file', { pinSource: 'file:/nonexistent/pin' }, {}],
    ['relative file', { pinSource: 'file:pin.txt' }, {}],
    ['command source', { pinSource: '|/usr/bin/get-pin' }, {}],
  ] as const)('%s → ERR_PKCS11_PIN_UNAVAILABLE', async (_name, uri, options) => {
    await expect(resolvePkcs11Pin(uri, options)).rejects.toMatchObject({ code: 'ERR_PKCS11_PIN_UNAVAILABLE' });
  });

  it('a file that is too big or holds several lines is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'divoc-pin-'));
    writeFileSync(join(dir, 'big'), 'x'.repeat(10_000));
    writeFileSync(join(dir, 'lines'), '1234\n5678\n');
    await expect(resolvePkcs11Pin({ pinSource: `file:${join(dir, 'big')}` })).rejects.toMatchObject({
      code: 'ERR_PKCS11_PIN_UNAVAILABLE',
    });
    await expect(resolvePkcs11Pin({ pinSource: `file:${join(dir, 'lines')}` })).rejects.toMatchObject({
      code: 'ERR_PKCS11_PIN_UNAVAILABLE',
    });
  });

  it('pkcs11UriTarget maps the URI onto session options and a key selector', async () => {
    const target = await pkcs11UriTarget('pkcs11:token=T;object=k;id=%0a;slot-id=3;serial=s1?pin-source=env:P', {
      env: { P: '1234' },
      defaultModule: MODULE,
    });
    expect(target.session).toEqual({ module: MODULE, pin: '1234', slot: 3, tokenLabel: 'T', tokenSerial: 's1' });
    expect(target.key).toEqual({ label: 'k', id: Uint8Array.of(10) });
    await expect(pkcs11UriTarget('pkcs11:token=T?pin-value=1')).rejects.toMatchObject({
      code: 'ERR_PKCS11_URI_INVALID',
    });
    await expect(pkcs11UriTarget('pkcs11:token=T?module-name=softhsm2&pin-value=1')).rejects.toMatchObject({
      code: 'ERR_PKCS11_URI_INVALID',
    });
    await expect(pkcs11UriTarget(`pkcs11:token=T;type=cert?module-path=${MODULE}&pin-value=1`)).rejects.toMatchObject({
      code: 'ERR_PKCS11_URI_INVALID',
    });
  });
});

describe('the main entry does not reach the PKCS#11 code', () => {
  it('no module imported (transitively) from src/index.ts lives in src/pkcs11 or imports pkcs11js', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      expect(code, file).not.toMatch(/['"]pkcs11js['"]/);
      for (const match of code.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        walk(resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')));
      }
    };
    walk(join(src, 'index.ts'));
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].filter((f) => f.includes(`${join(src, 'pkcs11')}/`))).toEqual([]);
  });
});
