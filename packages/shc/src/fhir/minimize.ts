import { isJsonObject } from '@divoc/keys';
import { ShcInputInvalidError } from '../lib/errors.js';
import { type JsonObject } from '../lib/json.js';
import type { FhirBundle } from '../types.js';

/**
 * Applies the spec's QR minimisation rules to any FHIR bundle (a copy is returned): `fullUrl` becomes `resource:N`;
 * references to other entries (by full URL or `Type/id`) become `resource:N`; `Resource.id`, `Resource.meta` (unless
 * it carries `security`, which is kept alone), `DomainResource.text`, `CodeableConcept.text` and `Coding.display`
 * are dropped. The bundle type is set to `collection`.
 */
export function minimizeFhirBundle(bundle: unknown): FhirBundle {
  if (!isJsonObject(bundle) || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) {
    throw new ShcInputInvalidError('minimizeFhirBundle: input must be a FHIR Bundle with an entry array');
  }
  const copy = JSON.parse(JSON.stringify(bundle)) as { entry: unknown[] };
  const targets = new Map<string, string>();
  copy.entry.forEach((entry, i) => {
    if (!isJsonObject(entry) || !isJsonObject(entry.resource) || typeof entry.resource.resourceType !== 'string') {
      throw new ShcInputInvalidError(`minimizeFhirBundle: entry[${i}] has no resource`);
    }
    const short = `resource:${i}`;
    if (typeof entry.fullUrl === 'string') targets.set(entry.fullUrl, short);
    const { resourceType, id } = entry.resource;
    if (typeof id === 'string') targets.set(`${resourceType}/${id}`, short);
  });
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!isJsonObject(node)) return;
    if (Array.isArray(node.coding)) {
      delete node.text;
      for (const coding of node.coding) if (isJsonObject(coding)) delete coding.display;
    }
    if (typeof node.reference === 'string') {
      const short = targets.get(node.reference);
      if (short) node.reference = short;
    }
    for (const value of Object.values(node)) walk(value);
  };
  const entries = copy.entry.map((entry, i) => {
    const resource = (entry as JsonObject).resource as JsonObject;
    delete resource.id;
    delete resource.text;
    if (isJsonObject(resource.meta) && resource.meta.security !== undefined)
      resource.meta = { security: resource.meta.security };
    else delete resource.meta;
    walk(resource);
    return { fullUrl: `resource:${i}`, resource: resource as FhirBundle['entry'][number]['resource'] };
  });
  return { resourceType: 'Bundle', type: 'collection', entry: entries };
}
