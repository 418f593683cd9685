import fs from 'node:fs/promises';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';

const FIXTURES = new URL('../fixtures/specs/rid/', import.meta.url);
/** The base the documents are known by, so that `commons.yaml#/…` resolves beside `injection.yaml`. */
const BASE = 'https://specs.test/';

export const F3411_YAML = 'astm-f3411-22a-remoteid-canonical.yaml';
export const RID_INJECTION_YAML = 'interuss-rid-v1/injection.yaml';
const RID_COMMONS_YAML = 'interuss-rid-v1/commons.yaml';

/**
 * Validates bodies against a schema of the standards' own OpenAPI files (OpenAPI 3.0, whose
 * schemas are JSON Schema draft 4 with a few extra keywords): the answers are checked against
 * what the standard says, not against soramichi's reading of it.
 */
export interface SpecValidator {
  /** The problems of `body` against `#/components/schemas/<schema>` of `file`; empty when it is valid. */
  errors(file: string, schema: string, body: unknown): string[];
}

export async function loadSpecs(): Promise<SpecValidator> {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    // OpenAPI's numeric formats say nothing JSON can check; `datetime` is injection.yaml's misspelling of date-time.
    formats: { float: true, double: true, int32: true, int64: true, datetime: true },
  });
  addFormats(ajv, ['date-time']);
  for (const file of [F3411_YAML, RID_INJECTION_YAML, RID_COMMONS_YAML]) {
    const doc = load(withoutLongQuotedDescriptions(await fs.readFile(new URL(file, FIXTURES), 'utf8'))) as Record<
      string,
      unknown
    >;
    if (file === RID_COMMONS_YAML) correctLongitude(doc);
    ajv.addSchema({ ...doc, id: BASE + file });
  }
  return {
    errors(file, schema, body) {
      const validate = ajv.getSchema(`${BASE}${file}#/components/schemas/${schema}`);
      if (!validate) throw new Error(`no schema ${schema} in ${file}`);
      if (validate(body)) return [];
      return (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
    },
  };
}

/**
 * injection.yaml writes some descriptions as double-quoted scalars whose lines are no more indented
 * than their key, which YAML 1.2 forbids (Python's parser lets it pass, JavaScript's do not):
 * descriptions say nothing a validator checks, so those are emptied before parsing.
 */
function withoutLongQuotedDescriptions(text: string): string {
  return text.replace(/description: "\n[\s\S]*?\n\s*"\n/g, 'description: ""\n');
}

/** Upstream's Longitude has its bounds swapped (minimum 180, maximum -180): no longitude would pass. */
function correctLongitude(doc: Record<string, unknown>): void {
  const schemas = (doc.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
  schemas.Longitude = { ...schemas.Longitude, minimum: -180, maximum: 180 };
}
