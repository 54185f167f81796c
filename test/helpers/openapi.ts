// Live answers against the API description: every JSON answer an HTTP test
// gets through `t.api` is validated (Ajv, JSON Schema 2020-12) against the
// OpenAPI document's schema for its path, method and status — or the error
// body for any status the operation does not list.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument } from '../../api/openapi.ts';

// ajv-formats is CommonJS: its module object is the function its types call `default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Doc = ReturnType<typeof openApiDocument> & {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();
const templates: { pattern: RegExp; path: string }[] = [];

function setUp(): Doc {
  const doc = openApiDocument() as Doc;
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: doc.components }, 'openapi.json');
    for (const path of Object.keys(doc.paths))
      templates.push({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`) });
  }
  return doc;
}

/** The documented path template a request path falls under. */
export function documentedPath(path: string): string | undefined {
  setUp();
  return templates.find((template) => template.pattern.test(path))?.path;
}

/** Throws when a JSON answer does not match the document; returns the operation it was checked against. */
export function assertConforms(method: string, url: string, status: number, body: unknown): string | undefined {
  const doc = setUp();
  const path = documentedPath(new URL(url, 'http://x').pathname);
  if (!path) {
    if (status === 404) return undefined; // an unknown route: its error body is checked below
    throw new Error(`${method} ${url}: not in the OpenAPI document`);
  }
  const operation = doc.paths[path]?.[method.toLowerCase()];
  if (!operation) {
    if (status === 404) return undefined;
    throw new Error(`${method} ${path}: method not in the OpenAPI document`);
  }
  const response = operation.responses[String(status)] ?? operation.responses.default!;
  const schema = response.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${method} ${path} → ${status}: the document describes no JSON body for this answer`);
  const key = `${method} ${path} ${status in operation.responses ? status : 'default'}`;
  let validate = compiled.get(key);
  if (!validate) {
    // Component references resolve against the document's components.
    const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'));
    validate = ajv!.compile(rebased);
    compiled.set(key, validate);
  }
  if (!validate(body))
    throw new Error(
      `${key}: the answer does not match the OpenAPI document: ${ajv!.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  return `${method.toLowerCase()} ${path}`;
}
