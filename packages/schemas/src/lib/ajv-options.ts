/** Ajv options of every credential schema, precompiled (scripts/generate-validators.mjs) or compiled at run time. */
export const AJV_OPTIONS = {
  allErrors: true,
  strictTypes: false,
  allowUnionTypes: true,
  // Not verbose (a fifth of the generated code): toIssues finds the schema an error names from its schemaPath.
  verbose: false,
  validateFormats: true,
} as const;
