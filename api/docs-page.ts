// /docs: the OpenAPI document as a page a developer can read, rendered here
// from the document itself (no external script, font or stylesheet).
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Doc {
  components?: { schemas?: Record<string, unknown> };
  info: { title: string; version: string; description?: string };
  paths?: Record<
    string,
    Record<
      string,
      {
        summary?: string;
        operationId?: string;
        'x-roles'?: string[];
        parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
        requestBody?: { content: Record<string, { schema?: unknown }> };
        responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
      }
    >
  >;
}

const schemaBlock = (schema: unknown) => `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>`;

export function apiReferencePage(document: unknown): string {
  const doc = document as Doc;
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const items = operations
    .map(({ path, method, op }) => {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escape(p.name)}</code> (${p.in}${p.required ? ', required' : ''})</li>`)
        .join('');
      const body = Object.entries(op.requestBody?.content ?? {})
        .map(([type, media]) => `<h4>Request body: ${escape(type)}</h4>${schemaBlock(media.schema)}`)
        .join('');
      const responses = Object.entries(op.responses ?? {})
        .map(
          ([status, response]) =>
            `<h4>${escape(status)} — ${escape(response.description ?? '')}</h4>${Object.values(response.content ?? {})
              .map((media) => schemaBlock(media.schema))
              .join('')}`,
        )
        .join('');
      return `<details id="${escape(op.operationId ?? '')}"><summary><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code> — ${escape(op.summary ?? '')} <span class="roles">${escape((op['x-roles'] ?? []).join(', '))}</span></summary>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body}${responses}</details>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
details{border:1px solid #ddd;border-radius:6px;margin:.4em 0;padding:.4em .8em}
summary{cursor:pointer}.method{display:inline-block;min-width:4.5em;font-weight:600}
.get{color:#1a6}.post{color:#16a}.delete{color:#a22}.roles{color:#777;font-size:.85em;float:right}
pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em;font-size:12px}
</style></head><body>
<h1>${escape(doc.info.title)} API <small>v${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description ?? '')} Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Every operation may also answer an error body <code>{ "error": { code, message, messageRu, field? } }</code>.</p>
${items}
<h2>Schemas</h2>
${Object.entries(doc.components?.schemas ?? {})
  .map(
    ([name, schema]) =>
      `<details id="schema-${escape(name)}"><summary><code>${escape(name)}</code></summary>${schemaBlock(schema)}</details>`,
  )
  .join('\n')}
</body></html>`;
}
