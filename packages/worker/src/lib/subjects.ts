import { WorkerConfigError } from './errors.js';

/** A registry name is one NATS subject token: it goes into `divoc.certify.<registry>` and friends. */
const REGISTRY = /^[A-Za-z0-9_-]{1,64}$/;
/** JetStream stream and consumer names: no dots, wildcards or whitespace. */
const NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** A concrete (wildcard-free) subject. */
const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The NATS subjects of one registry. */
export interface RegistrySubjects {
  /** Where the registry publishes certify requests: `divoc.certify.<registry>`. */
  certify: string;
  /** Where workers announce certificates: `divoc.certified.<registry>`. */
  certified: string;
  /** Where workers dead-letter messages they cannot process: `divoc.dlq.<registry>`. */
  deadLetter: string;
}

/** The default subjects of a registry. */
export function subjectsFor(registry: string): RegistrySubjects {
  checkRegistry(registry);
  return {
    certify: `divoc.certify.${registry}`,
    certified: `divoc.certified.${registry}`,
    deadLetter: `divoc.dlq.${registry}`,
  };
}

export function checkRegistry(registry: unknown): asserts registry is string {
  if (typeof registry !== 'string' || !REGISTRY.test(registry)) {
    throw new WorkerConfigError('registry must be 1-64 characters of A-Z a-z 0-9 _ - (it is one NATS subject token)');
  }
}

export function checkName(what: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new WorkerConfigError(`${what} must be 1-128 characters of A-Z a-z 0-9 _ -`);
}

export function checkSubject(what: string, subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.length > 255 || !SUBJECT.test(subject)) {
    throw new WorkerConfigError(
      `${what} must be a NATS subject without wildcards (tokens of A-Z a-z 0-9 _ - joined by dots)`,
    );
  }
}

/**
 * Default stream and consumer names for a registry: `DIVOC_CERTIFY_<registry>`, `DIVOC_EVENTS_<registry>`,
 * `divoc-workers`.
 */
export function defaultNames(registry: string): { stream: string; eventsStream: string; durable: string } {
  checkRegistry(registry);
  return { stream: `DIVOC_CERTIFY_${registry}`, eventsStream: `DIVOC_EVENTS_${registry}`, durable: 'divoc-workers' };
}
