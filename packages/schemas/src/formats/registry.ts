import { DivocError } from '@divoc/keys';
import type { CredentialFormatPlugin, FormatDetection, FormatInput } from './plugin.js';

/** A format name nobody registered, or a registry that names one format twice. */
export class FormatRegistryError extends DivocError {
  readonly code: 'ERR_FORMAT_UNKNOWN' | 'ERR_FORMAT_DUPLICATE';
  constructor(code: 'ERR_FORMAT_UNKNOWN' | 'ERR_FORMAT_DUPLICATE', message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * An ordered list of format plugins: the order is the order of detection and of issuance (a format that re-encodes
 * another comes after it). Names and short names are unique, so `vc` and `w3c-vc` can never mean two formats.
 */
export class FormatRegistry<Plugin extends CredentialFormatPlugin = CredentialFormatPlugin> {
  readonly plugins: readonly Plugin[];
  readonly #byName = new Map<string, Plugin>();

  constructor(plugins: readonly Plugin[]) {
    for (const plugin of plugins) {
      for (const key of new Set([plugin.name, plugin.shortName])) {
        const taken = this.#byName.get(key);
        if (taken !== undefined && taken !== plugin) {
          throw new FormatRegistryError(
            'ERR_FORMAT_DUPLICATE',
            `format name ${JSON.stringify(key)} is taken by ${taken.name}`,
          );
        }
        this.#byName.set(key, plugin);
      }
    }
    this.plugins = Object.freeze([...plugins]);
  }

  /** Every format's name, in registry order. */
  get names(): Plugin['name'][] {
    return this.plugins.map((p) => p.name);
  }

  /** The plugin for a name or a short name (`w3c-vc` or `vc`); undefined when none is registered. */
  find(name: string): Plugin | undefined {
    return this.#byName.get(name);
  }

  /** The plugin for a name or short name; throws `ERR_FORMAT_UNKNOWN` listing the known names. */
  get(name: string): Plugin {
    const plugin = this.find(name);
    if (plugin === undefined) {
      throw new FormatRegistryError(
        'ERR_FORMAT_UNKNOWN',
        `unknown format ${JSON.stringify(name)}; known: ${this.names.join(', ')}`,
      );
    }
    return plugin;
  }

  /** The first format that recognises the input, and what it detected. */
  detect(input: FormatInput): { plugin: Plugin; detection: FormatDetection } | undefined {
    for (const plugin of this.plugins) {
      const detection = plugin.detect(input);
      if (detection !== undefined) return { plugin, detection };
    }
    return undefined;
  }

  /**
   * The plugin that signs a format's output: the format itself, or the one it re-encodes (the DIVOC QR → the W3C VC).
   * Its `issuance.keys` are the caller's key slots the format needs.
   */
  signerOf(plugin: CredentialFormatPlugin): CredentialFormatPlugin & { issuance: { mode: 'signs' } } {
    let current = plugin;
    for (let hops = 0; current.issuance.mode === 'reencodes'; hops++) {
      if (hops >= this.plugins.length) {
        throw new FormatRegistryError('ERR_FORMAT_UNKNOWN', `${plugin.name} re-encodes formats in a circle`);
      }
      current = this.get(current.issuance.source);
    }
    return current as CredentialFormatPlugin & { issuance: { mode: 'signs' } };
  }

  /** A registry with more formats after these (a country's own format, WHO's next one). */
  with<More extends CredentialFormatPlugin>(...plugins: readonly More[]): FormatRegistry<Plugin | More> {
    return new FormatRegistry<Plugin | More>([...this.plugins, ...plugins]);
  }
}
