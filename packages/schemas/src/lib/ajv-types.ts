// Types only: importing them loads no Ajv.
import type { ErrorObject } from 'ajv/dist/2020.js';

export type { ErrorObject };

/** What a precompiled or runtime-compiled validator offers: a test, and the errors of its last run. */
export type ValidateFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
