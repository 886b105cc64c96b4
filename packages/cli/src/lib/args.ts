import { UsageError } from './errors.js';

/**
 * A small, strict argument parser. Strict means: an unknown flag, a missing value, a value given to a boolean,
 * a single-valued flag given twice or a value outside `choices` is a UsageError (exit 2), never ignored.
 *
 * Accepted spellings: `--name value`, `--name=value`, `--` ends flags, a lone `-` is a positional (stdin).
 */

interface FlagSpecBase {
  readonly description: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  readonly valueName?: string;
}

export interface BooleanFlagSpec extends FlagSpecBase {
  readonly type: 'boolean';
}

export interface StringFlagSpec extends FlagSpecBase {
  readonly type: 'string';
  readonly multiple?: false;
  readonly choices?: readonly string[];
}

export interface MultipleStringFlagSpec extends FlagSpecBase {
  readonly type: 'string';
  readonly multiple: true;
  readonly choices?: readonly string[];
}

export type FlagSpec = BooleanFlagSpec | StringFlagSpec | MultipleStringFlagSpec;
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = S extends BooleanFlagSpec
  ? boolean
  : S extends MultipleStringFlagSpec
    ? string[]
    : string | undefined;

export type ParsedFlags<F extends FlagSpecs> = { -readonly [K in keyof F]: FlagValue<F[K]> };

export interface CommandSpec<F extends FlagSpecs> {
  /** Full command name, e.g. `keys generate`. */
  readonly name: string;
  readonly summary: string;
  /** Usage line without the leading `divoc `, e.g. `verify [options] INPUT...`. */
  readonly usage: string;
  readonly flags: F;
  readonly positionals: { readonly min: number; readonly max: number; readonly name?: string };
  /** Extra help text printed after the flag list. */
  readonly details?: string;
}

export interface ParsedArgs<F extends FlagSpecs> {
  flags: ParsedFlags<F>;
  positionals: string[];
  /** `--help` / `-h` was given: the caller prints help and ignores everything else. */
  help: boolean;
}

export function parseArgs<F extends FlagSpecs>(argv: readonly string[], spec: CommandSpec<F>): ParsedArgs<F> {
  const flags: Record<string, boolean | string | string[] | undefined> = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    flags[name] = flag.type === 'boolean' ? false : flag.multiple ? [] : undefined;
  }
  const positionals: string[] = [];
  let help = false;
  let flagsEnded = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (flagsEnded || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      flagsEnded = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new UsageError(`unknown option ${quote(arg)}`, spec.name);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const flag = Object.prototype.hasOwnProperty.call(spec.flags, name) ? spec.flags[name] : undefined;
    if (flag === undefined) {
      throw new UsageError(`unknown option ${quote(`--${name}`)}`, spec.name);
    }
    if (flag.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`, spec.name);
      flags[name] = true;
      continue;
    }
    let value: string;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      // A following `--flag` means the value was forgotten; `-` alone is a legitimate value (stdin).
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw new UsageError(
          `option --${name} needs a value${flag.valueName ? ` (${flag.valueName})` : ''}`,
          spec.name,
        );
      }
      value = next;
      i++;
    }
    if (value === '') throw new UsageError(`option --${name} needs a non-empty value`, spec.name);
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(
        `invalid value ${quote(value)} for --${name} (expected one of: ${flag.choices.join(', ')})`,
        spec.name,
      );
    }
    if (flag.multiple) {
      (flags[name] as string[]).push(value);
    } else {
      if (flags[name] !== undefined) throw new UsageError(`option --${name} given more than once`, spec.name);
      flags[name] = value;
    }
  }

  if (!help) {
    const { min, max, name } = spec.positionals;
    const what = name ?? 'argument';
    if (positionals.length < min) {
      throw new UsageError(min === 1 ? `missing ${what}` : `expected at least ${min} ${what}s`, spec.name);
    }
    if (positionals.length > max) {
      throw new UsageError(
        max === 0
          ? `unexpected argument ${quote(positionals[0] as string)}`
          : `unexpected argument ${quote(positionals[max] as string)}`,
        spec.name,
      );
    }
  }
  return { flags: flags as ParsedFlags<F>, positionals, help };
}

/** Throws a UsageError naming every required flag that was not given. */
export function requireFlags<F extends FlagSpecs>(
  spec: CommandSpec<F>,
  flags: ParsedFlags<F>,
  names: readonly (keyof F & string)[],
): void {
  const missing = names.filter((n) => {
    const v = flags[n] as unknown;
    return v === undefined || (Array.isArray(v) && v.length === 0);
  });
  if (missing.length > 0) {
    throw new UsageError(
      `missing required option${missing.length > 1 ? 's' : ''}: ${missing.map((n) => `--${n}`).join(', ')}`,
      spec.name,
    );
  }
}

export function formatHelp<F extends FlagSpecs>(spec: CommandSpec<F>): string {
  const lines = [`Usage: divoc ${spec.usage}`, '', spec.summary, ''];
  const entries = Object.entries(spec.flags).map(([name, flag]) => {
    const left = flag.type === 'boolean' ? `--${name}` : `--${name} ${flag.valueName ?? 'VALUE'}`;
    const choices = flag.type === 'string' && flag.choices ? ` (${flag.choices.join('|')})` : '';
    const repeat = flag.type === 'string' && flag.multiple ? ' (repeatable)' : '';
    return [left, `${flag.description}${choices}${repeat}`] as const;
  });
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([l]) => l.length));
  lines.push('Options:');
  for (const [left, right] of entries) lines.push(`  ${left.padEnd(width)}  ${right}`);
  if (spec.details) lines.push('', spec.details.trimEnd());
  return `${lines.join('\n')}\n`;
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

/** Identity function that keeps the literal flag types (so `multiple: true` flags parse to `string[]`). */
export function defineCommand<const F extends FlagSpecs>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}
