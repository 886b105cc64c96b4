// Ajv's error and validator shapes, written out here: the published types must not import Ajv, an optional peer
// that users of the built-in types (precompiled validators) never install.

/** One error of a validator run, as Ajv reports it (precompiled validators report the same shape). */
export interface ErrorObject {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  propertyName?: string;
  message?: string;
  schema?: unknown;
  parentSchema?: object;
  data?: unknown;
}

/** What a precompiled or runtime-compiled validator offers: a test, and the errors of its last run. */
export type ValidateFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
