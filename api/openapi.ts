// The API description, OpenAPI 3.1, generated from the zod schemas that
// validate the requests and shape the responses. Each operation names the
// roles that may call it; every operation may also answer an error body.
// A test walks the express routers and fails when an operation is missing
// here, and checks the live answers of the HTTP tests against this document.
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { ARTIFACT_NAMES } from '../pipeline/artifacts.ts';
import { ActTokenParamSchema } from './routes/acts.ts';
import { ArtifactParamSchema, NotificationQuerySchema } from './routes/records.ts';
import { DecisionSchema, QueueQuerySchema } from './routes/reviews.ts';
import { DeliveryQuerySchema } from './routes/webhooks.ts';
import { CreateApplicationSchema, FramesFieldsSchema, IdParamSchema, UploadFieldsSchema } from './schemas.ts';
import { SignInSchema } from './review-session.ts';
import * as views from '../services/views.ts';

type Role = 'portal' | 'reviewer' | 'admin' | 'public';

interface Operation {
  summary: string;
  roles: Role[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  json?: z.ZodType;
  /** A multipart form: its text fields, and the name of its file field(s). */
  multipart?: { fields: z.ZodObject; files: string; many?: boolean };
  responses: Record<number, z.ZodType | { binary: string }>;
}

/** Every view under its name, so the document refers to it as a component. */
const NAMED = new Map<unknown, z.ZodType>(
  Object.entries(views as Record<string, unknown>)
    .filter((entry): entry is [string, z.ZodType] => entry[0].endsWith('View') && entry[1] instanceof z.ZodType)
    .map(([name, schema]) => [schema, schema.meta({ id: name.replace(/View$/, '') })]),
);
const json = (schema: z.ZodType) => ({ 'application/json': { schema: NAMED.get(schema) ?? schema } });

/** Every operation the service answers, by path (OpenAPI style) and method. */
export const OPERATIONS: Record<string, Partial<Record<'get' | 'post' | 'delete', Operation>>> = {
  '/health': {
    get: {
      summary: 'Liveness of the process',
      roles: ['public'],
      responses: { 200: z.object({ status: z.literal('ok') }) },
    },
  },
  '/ready': {
    get: {
      summary: 'Readiness: database and queue reachable (details for an admin key)',
      roles: ['public'],
      responses: {
        200: z.object({ status: z.enum(['ready', 'not_ready']) }).loose(),
        503: z.object({ status: z.enum(['ready', 'not_ready']) }).loose(),
      },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text exposition format)',
      roles: ['admin'],
      responses: { 200: { binary: 'text/plain' } },
    },
  },
  '/openapi.json': {
    get: { summary: 'This document', roles: ['public'], responses: { 200: { binary: 'application/json' } } },
  },
  '/docs': {
    get: {
      summary: 'This document as a reference page',
      roles: ['public'],
      responses: { 200: { binary: 'text/html' } },
    },
  },
  '/v1/applications': {
    post: {
      summary: 'Create an application (new applicant or existing account)',
      roles: ['portal', 'admin'],
      json: CreateApplicationSchema,
      responses: { 201: views.ApplicationSummaryView },
    },
  },
  '/v1/applications/{id}': {
    get: {
      summary: 'An application with its documents, checks, sessions and history',
      roles: ['portal', 'reviewer', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.ApplicationView },
    },
  },
  '/v1/applications/{id}/documents': {
    post: {
      summary: 'Upload a document (PDF, JPEG or PNG, at most 5 MB); answered once it is stored',
      roles: ['portal', 'admin'],
      params: IdParamSchema,
      multipart: { fields: UploadFieldsSchema, files: 'file' },
      responses: { 202: views.UploadAcceptedView },
    },
  },
  '/v1/applications/{id}/act.pdf': {
    get: {
      summary: 'The act of verification of a decided application (PDF with a QR code)',
      roles: ['portal', 'reviewer', 'admin'],
      params: IdParamSchema,
      responses: { 200: { binary: 'application/pdf' } },
    },
  },
  '/v1/acts/{token}': {
    get: {
      summary: 'Whether an act is genuine and current (the URL in its QR code; no key)',
      roles: ['public'],
      params: ActTokenParamSchema,
      responses: { 200: views.ActVerificationView },
    },
  },
  '/v1/applications/{id}/liveness-sessions': {
    post: {
      summary: 'Open an active liveness challenge: random steps, a nonce, an expiry',
      roles: ['portal', 'admin'],
      params: IdParamSchema,
      responses: { 201: views.OpenedLivenessSessionView },
    },
  },
  '/v1/liveness-sessions/{id}': {
    get: {
      summary: 'A liveness session and its verdict',
      roles: ['portal', 'reviewer', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.LivenessSessionView },
    },
  },
  '/v1/liveness-sessions/{id}/frames': {
    post: {
      summary: "The session's frames (a starting pose, then one per step), once, with its nonce",
      roles: ['portal', 'admin'],
      params: IdParamSchema,
      multipart: { fields: FramesFieldsSchema, files: 'frames', many: true },
      responses: { 200: views.LivenessSessionView },
    },
  },
  '/v1/documents/{id}': {
    get: {
      summary: 'A document, its fields and checks',
      roles: ['portal', 'reviewer', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.DocumentView },
    },
  },
  '/v1/documents/{id}/artifacts/{name}': {
    get: {
      summary: `An image the pipeline kept for reviewers (${ARTIFACT_NAMES.join(', ')})`,
      roles: ['reviewer', 'admin'],
      params: ArtifactParamSchema,
      responses: { 200: { binary: 'image/*' } },
    },
  },
  '/v1/accounts/{id}': {
    delete: {
      summary: "Erase an applicant's personal data on request",
      roles: ['portal', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.ErasureView },
    },
  },
  '/v1/accounts/{id}/applications': {
    get: {
      summary: "An account's applications",
      roles: ['portal', 'reviewer', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.AccountApplicationsView },
    },
  },
  '/v1/accounts/{id}/notifications': {
    get: {
      summary: "An account's notifications",
      roles: ['portal', 'reviewer', 'admin'],
      params: IdParamSchema,
      query: NotificationQuerySchema,
      responses: { 200: views.NotificationListView },
    },
  },
  '/v1/notifications/{id}/read': {
    post: {
      summary: 'Mark a notification read',
      roles: ['portal', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.NotificationView },
    },
  },
  '/v1/reviews': {
    get: {
      summary: 'The review queue, oldest first',
      roles: ['reviewer', 'admin'],
      query: QueueQuerySchema,
      responses: { 200: views.ReviewQueueView },
    },
  },
  '/v1/reviews/{id}': {
    get: {
      summary: 'Everything a reviewer needs to decide a case',
      roles: ['reviewer', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.ReviewCaseView },
    },
  },
  '/v1/applications/{id}/review/claim': {
    post: {
      summary: 'Claim a case for 15 minutes',
      roles: ['reviewer', 'admin'],
      params: IdParamSchema,
      responses: { 200: views.ClaimView },
    },
  },
  '/v1/applications/{id}/review/decision': {
    post: {
      summary: 'Decide a claimed case',
      roles: ['reviewer', 'admin'],
      params: IdParamSchema,
      json: DecisionSchema,
      responses: { 200: views.ApplicationSummaryView },
    },
  },
  '/v1/webhooks/deliveries': {
    get: {
      summary: 'The webhook delivery log',
      roles: ['admin'],
      query: DeliveryQuerySchema,
      responses: { 200: views.DeliveryListView },
    },
  },
  '/v1/webhooks/deliveries/{id}/redeliver': {
    post: {
      summary: 'Send a delivery again',
      roles: ['admin'],
      params: IdParamSchema,
      responses: { 202: views.DeliveryView },
    },
  },
  '/review/session': {
    get: {
      summary: 'The signed-in reviewer (cookie session of the workspace)',
      roles: ['reviewer', 'admin'],
      responses: { 200: views.ReviewerSessionView },
    },
    post: {
      summary: 'Sign in to the workspace: a reviewer key for an HttpOnly, SameSite=Strict cookie',
      roles: ['public'],
      json: SignInSchema,
      responses: { 200: views.ReviewerSessionView },
    },
    delete: {
      summary: 'Sign out of the workspace',
      roles: ['reviewer', 'admin'],
      responses: { 204: { binary: 'none' } },
    },
  },
};

function operation(path: string, method: string, op: Operation): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, body] of Object.entries(op.responses)) {
    responses[status] =
      'binary' in body
        ? {
            description: body.binary === 'none' ? 'No content' : body.binary,
            ...(body.binary === 'none'
              ? {}
              : { content: { [body.binary]: { schema: { type: 'string', contentEncoding: 'binary' } } } }),
          }
        : { description: 'OK', content: json(body) };
  }
  responses.default = {
    description: 'An error: its code and messages in English and Russian',
    content: json(views.ErrorView),
  };
  const form = op.multipart
    ? op.multipart.fields.extend({
        [op.multipart.files]: op.multipart.many
          ? z.array(z.string().meta({ format: 'binary' }))
          : z.string().meta({ format: 'binary' }),
      })
    : undefined;
  return {
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/[^\w]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: op.summary,
    'x-roles': op.roles,
    security: op.roles.includes('public') ? [] : [{ apiKey: [] }, { reviewerSession: [] }],
    requestParams: { ...(op.params ? { path: op.params } : {}), ...(op.query ? { query: op.query } : {}) },
    ...(op.json ? { requestBody: { content: json(op.json) } } : {}),
    ...(form ? { requestBody: { content: { 'multipart/form-data': { schema: form } } } } : {}),
    responses,
  };
}

let built: ReturnType<typeof createDocument> | undefined;

/** The document, built once per process (every /openapi.json and /docs request serves the same one). */
export function openApiDocument() {
  if (built) return built;
  const paths: ZodOpenApiPathsObject = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    paths[path] = Object.fromEntries(
      Object.entries(methods).map(([method, op]) => [method, operation(path, method, op)]),
    );
  }
  built = createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'docverify',
        version: '1',
        description: 'Automatic checks of the identity documents foreign nationals upload to a state-services portal.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (portal, reviewer or admin), sent as `Authorization: Bearer <key>`',
          },
          reviewerSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'dv_review',
            description: 'The reviewer workspace session; state-changing requests also send `X-CSRF-Token`',
          },
        },
      },
      paths,
    },
    {
      // Dates leave the service as ISO 8601 strings.
      override: ({ jsonSchema, zodSchema }) => {
        if (zodSchema._zod.def.type === 'date') {
          jsonSchema.type = 'string';
          jsonSchema.format = 'date-time';
        }
      },
    },
  );
  return built;
}
