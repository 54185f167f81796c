// The HTTP edge: security headers, request logging, authentication, rate
// limits, JSON in and out, error mapping.
import { randomUUID } from 'node:crypto';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../core/config.ts';
import { httpRequestDuration } from '../core/metrics.ts';
import { AppError } from '../core/errors.ts';
import { errorMessage, logger } from '../core/log.ts';
import { findApiClient } from '../db/api-keys.ts';
import type { BlobStore } from '../db/blob-store.ts';
import { runtimeMetrics, scrape } from '../workers/metrics.ts';
import type { StagePool } from '../workers/pool.ts';
import type { JobQueue } from '../workers/queue/index.ts';
import type { SettleDeps } from '../services/settlement.ts';
import { allow, authenticate, bearerKey } from './auth.ts';
import { apiReferencePage } from './docs-page.ts';
import { openApiDocument } from './openapi.ts';
import { reviewSessionRouter } from './review-session.ts';
import { errorHandler, limited } from './errors.ts';
import { actsRouter, publicActsRouter } from './routes/acts.ts';
import { applicationsRouter } from './routes/applications.ts';
import { livenessSessionsRouter } from './routes/liveness-sessions.ts';
import { recordsRouter } from './routes/records.ts';
import { reviewsRouter } from './routes/reviews.ts';
import { webhooksRouter } from './routes/webhooks.ts';
import { fromRoot } from '../core/paths.ts';

export interface ApiDeps extends SettleDeps {
  config: SettleDeps['config'] & Pick<Config, 'limits' | 'http' | 'liveness' | 'acts'>;
  blobs: BlobStore;
  keys: { act: Buffer };
  pool: StagePool;
  queue: JobQueue;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createApp(deps: ApiDeps): express.Express {
  const { http } = deps.config;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', http.trustProxy);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  // Request durations by route template (never by raw URL: ids would explode the series).
  app.use((req, res, next) => {
    const done = httpRequestDuration.startTimer();
    res.on('finish', () =>
      done({
        route: req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched',
        method: req.method,
        status: String(res.statusCode),
      }),
    );
    next();
  });
  const scraped = runtimeMetrics(deps);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Load balancers get the status; what is down and where only an admin key sees.
  app.get('/ready', async (req, res) => {
    const probes = { database: deps.db.sql.query('SELECT 1'), queue: deps.queue.ping() };
    const results = await Promise.allSettled(Object.values(probes));
    const ready = results.every((result) => result.status === 'fulfilled');
    const key = bearerKey(req);
    const admin = key ? (await findApiClient(deps.db.prisma, key).catch(() => undefined))?.role === 'admin' : false;
    const body = { status: ready ? 'ready' : 'not_ready' };
    if (!admin) return void res.status(ready ? 200 : 503).json(body);
    const checks = Object.fromEntries(
      Object.keys(probes).map((name, i) => {
        const result = results[i]!;
        return [name, result.status === 'fulfilled' ? 'ok' : errorMessage(result.reason)];
      }),
    );
    res.status(ready ? 200 : 503).json({ ...body, database: deps.db.kind, queue: deps.queue.kind, checks });
  });

  // Guessing keys: only failed authentications count, per client address.
  const failedAuth = rateLimit({
    windowMs: 15 * 60_000,
    limit: http.authFailuresPer15Min,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: limited('failed authentications'),
  });

  // The act's QR code is read by officials without a key; the token is the credential.
  app.use('/v1', publicActsRouter(deps));

  // The API description, and a page that reads it: both public, like the routes they describe.
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(apiReferencePage(openApiDocument()));
  });

  // The reviewer workspace: sign-in for a session cookie, then static pages that call /v1 with it.
  app.use('/review', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use('/review', express.json({ limit: '4kb' }), reviewSessionRouter(deps.db.prisma, failedAuth));
  app.use('/review', express.static(fromRoot('api', 'review-ui'), { index: 'index.html' }));

  const v1 = express.Router();
  v1.use((_req, res, next) => {
    // Personal data: never kept by a browser or a proxy.
    res.set('Cache-Control', 'no-store');
    next();
  });
  v1.use(authenticate(deps.db.prisma, failedAuth));
  v1.use(express.json({ limit: http.jsonLimit }));
  v1.use('/applications', applicationsRouter(deps));
  v1.use('/', actsRouter(deps));
  v1.use('/', livenessSessionsRouter(deps));
  v1.use('/', recordsRouter(deps));
  v1.use('/', reviewsRouter(deps));
  v1.use('/', webhooksRouter(deps));
  app.use('/v1', v1);

  // Prometheus: admin keys only (queue depth and statuses are operational data).
  app.get('/metrics', authenticate(deps.db.prisma, failedAuth), allow('admin'), async (_req, res) => {
    const { contentType, body } = await scrape(scraped);
    res.type(contentType).send(body);
  });

  app.use((_req, _res, next) => next(new AppError('not_found', { entity: 'Route' })));
  app.use(errorHandler(deps.config.limits.maxUploadBytes, http.jsonLimit));
  return app;
}
