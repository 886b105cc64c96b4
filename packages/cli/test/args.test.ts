import { describe, expect, it } from 'vitest';
import { defineCommand, formatHelp, parseArgs, requireFlags } from '../src/lib/args.js';
import { UsageError } from '../src/lib/errors.js';

const spec = defineCommand({
  name: 'thing',
  summary: 'Does a thing.',
  usage: 'thing [options] INPUT...',
  flags: {
    json: { type: 'boolean', description: 'json output' },
    out: { type: 'string', valueName: 'FILE', description: 'output' },
    trust: { type: 'string', multiple: true, valueName: 'FILE', description: 'trust' },
    type: { type: 'string', choices: ['a', 'b'], description: 'type' },
  },
  positionals: { min: 1, max: 3, name: 'INPUT' },
});

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('ERR_CLI_USAGE');
    expect((error as UsageError).command).toBe('thing');
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs', () => {
  it('parses flags in both spellings, repeatable flags and positionals', () => {
    const r = parseArgs(['--json', '--out', 'x.json', '--trust=a', 'in1', '--trust', 'b', '-', '--type=b'], spec);
    expect(r.flags).toEqual({ json: true, out: 'x.json', trust: ['a', 'b'], type: 'b' });
    expect(r.positionals).toEqual(['in1', '-']);
    expect(r.help).toBe(false);
  });

  it('defaults: boolean false, string undefined, multiple []', () => {
    expect(parseArgs(['x'], spec).flags).toEqual({ json: false, out: undefined, trust: [], type: undefined });
  });

  it('treats everything after -- as positionals', () => {
    expect(parseArgs(['--', '--json', '-x'], spec).positionals).toEqual(['--json', '-x']);
  });

  it('accepts - as a flag value (stdin)', () => {
    expect(parseArgs(['--out', '-', 'x'], spec).flags.out).toBe('-');
  });

  it('--help / -h wins and skips positional checks', () => {
    expect(parseArgs(['--help'], spec).help).toBe(true);
    expect(parseArgs(['-h', 'a', 'b', 'c', 'd'], spec).help).toBe(true);
  });

  it('rejects unknown long and short options', () => {
    expect(usageError(() => parseArgs(['--nope', 'x'], spec)).message).toContain('--nope');
    expect(usageError(() => parseArgs(['-x', 'x'], spec)).message).toContain('-x');
    usageError(() => parseArgs(['--__proto__', 'x'], spec));
    usageError(() => parseArgs(['--toString=1', 'x'], spec));
  });

  it('rejects a missing value, a value for a boolean, an empty value and duplicates', () => {
    expect(usageError(() => parseArgs(['x', '--out'], spec)).message).toContain('needs a value');
    expect(usageError(() => parseArgs(['--out', '--json', 'x'], spec)).message).toContain('needs a value');
    expect(usageError(() => parseArgs(['--json=yes', 'x'], spec)).message).toContain('takes no value');
    usageError(() => parseArgs(['--out=', 'x'], spec));
    expect(usageError(() => parseArgs(['--out', 'a', '--out', 'b', 'x'], spec)).message).toContain('more than once');
  });

  it('rejects values outside choices', () => {
    expect(usageError(() => parseArgs(['--type', 'c', 'x'], spec)).message).toContain('a, b');
  });

  it('enforces positional counts', () => {
    expect(usageError(() => parseArgs([], spec)).message).toContain('missing INPUT');
    expect(usageError(() => parseArgs(['a', 'b', 'c', 'd'], spec)).message).toContain('"d"');
  });

  it('requireFlags names every missing flag', () => {
    const { flags } = parseArgs(['x'], spec);
    expect(() => requireFlags(spec, flags, ['out', 'trust'])).toThrow('--out, --trust');
  });

  it('formats help with every flag', () => {
    const help = formatHelp(spec);
    expect(help).toContain('Usage: divoc thing [options] INPUT...');
    for (const f of ['--json', '--out FILE', '--trust FILE', '(a|b)', '(repeatable)', '--help'])
      expect(help).toContain(f);
  });
});
