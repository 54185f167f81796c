// The API description covers the service: every route the express app
// answers is in /openapi.json with its method, and nothing documented is
// missing from the app. The HTTP tests check each answer they get against it
// (test/helpers/openapi.ts); here, the document and its reference page are served.
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ApiDeps } from '../../api/app.ts';
import { openApiDocument } from '../../api/openapi.ts';
import { loadConfig } from '../../core/config.ts';
import { assertConforms } from '../helpers/openapi.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: string;
}

/** `METHOD /path/{param}` for every route of an express app, nested routers included. */
function routesOf(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = (prefix + layer.route.path).replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1');
      return Object.keys(layer.route.methods)
        .filter((method) => method !== '_all' && method !== 'head')
        .map((method) => `${method.toUpperCase()} ${path}`);
    }
    if (layer.handle.stack)
      return routesOf(
        layer.handle.stack,
        prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''),
      );
    return [];
  });
}

// The routers only keep their dependencies until a request comes: none comes to them here.
const deps = {
  config: loadConfig({ DATA_DIR: '/nonexistent' }),
  db: { prisma: {}, sql: {} },
  keys: { act: Buffer.alloc(32) },
} as unknown as ApiDeps;

describe('OpenAPI document', () => {
  const app = createApp(deps);
  const documented = Object.entries(openApiDocument().paths ?? {}).flatMap(([path, methods]) =>
    Object.keys(methods ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
  );
  const served = routesOf((app as unknown as { router: Router & { stack: Layer[] } }).router.stack);

  it('documents every route the app serves, and only those', () => {
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
  });

  it('gives every operation its roles, a success answer and the error body', () => {
    for (const [path, methods] of Object.entries(openApiDocument().paths ?? {})) {
      for (const [method, operation] of Object.entries(methods ?? {}) as [
        string,
        { 'x-roles'?: string[]; responses: Record<string, unknown> },
      ][]) {
        expect(operation['x-roles']?.length, `${method} ${path}`).toBeGreaterThan(0);
        expect(
          Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status)),
          `${method} ${path}`,
        ).toBe(true);
        expect(operation.responses.default, `${method} ${path}`).toBeDefined();
      }
    }
  });

  it('refuses an answer that does not match (the check the HTTP tests rely on can fail)', () => {
    const claim = { reviewId: 'r', applicationId: 'a', leaseExpiresAt: '2026-12-01T10:00:00.000Z' };
    expect(
      assertConforms('POST', '/v1/applications/3f1b0c3e-5a4b-4c2d-8e9f-0a1b2c3d4e5f/review/claim', 200, claim),
    ).toBe('post /v1/applications/{id}/review/claim');
    expect(() =>
      assertConforms('POST', '/v1/applications/3f1b0c3e-5a4b-4c2d-8e9f-0a1b2c3d4e5f/review/claim', 200, {
        ...claim,
        leaseExpiresAt: 'tomorrow',
      }),
    ).toThrow(/date-time/);
    expect(() =>
      assertConforms('POST', '/v1/applications/3f1b0c3e-5a4b-4c2d-8e9f-0a1b2c3d4e5f/review/claim', 200, {
        ...claim,
        descriptor: [0.1],
      }),
    ).toThrow(/additional/);
    expect(() =>
      assertConforms('GET', '/v1/applications/3f1b0c3e-5a4b-4c2d-8e9f-0a1b2c3d4e5f', 404, {
        error: { code: 'not_found' },
      }),
    ).toThrow(/message/);
    expect(() => assertConforms('GET', '/v1/nowhere', 200, {})).toThrow(/not in the OpenAPI document/);
  });

  describe('served', () => {
    let server: ReturnType<typeof app.listen>;
    let url: string;
    beforeAll(async () => {
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('at /openapi.json (OpenAPI 3.1) and as a local reference page at /docs', async () => {
      const json = await (await fetch(`${url}/openapi.json`)).json();
      expect(json.openapi).toBe('3.1.0');
      expect(Object.keys(json.paths)).toContain('/v1/applications/{id}/act.pdf');
      const page = await fetch(`${url}/docs`);
      const html = await page.text();
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(html).toContain('/v1/applications/{id}/review/decision');
      // Served locally: no external script, stylesheet or font.
      expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    });
  });
});
