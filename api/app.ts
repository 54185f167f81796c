// The HTTP edge: routing, authentication, JSON in and out, error mapping.
import express from 'express';
import type { Config } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { errorMessage } from '../core/log.ts';
import type { BlobStore } from '../db/blob-store.ts';
import type { Database } from '../db/index.ts';
import type { StagePool } from '../workers/pool.ts';
import type { JobQueue } from '../workers/queue/index.ts';
import { authenticate } from './auth.ts';
import { errorHandler } from './errors.ts';
import { applicationsRouter } from './routes/applications.ts';
import { recordsRouter } from './routes/records.ts';
import { reviewsRouter } from './routes/reviews.ts';
import { webhooksRouter } from './routes/webhooks.ts';

export interface ApiDeps {
  config: Pick<Config, 'limits'>;
  db: Database;
  blobs: BlobStore;
  pool: StagePool;
  queue: JobQueue;
}

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const probes = {
      database: deps.db.sql.query('SELECT 1'),
      queue: deps.queue.ping(),
    };
    const results = await Promise.allSettled(Object.values(probes));
    const checks = Object.fromEntries(
      Object.keys(probes).map((name, i) => {
        const result = results[i]!;
        return [name, result.status === 'fulfilled' ? 'ok' : errorMessage(result.reason)];
      }),
    );
    const ready = results.every((result) => result.status === 'fulfilled');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', database: deps.db.kind, queue: deps.queue.kind, checks });
  });

  const v1 = express.Router();
  v1.use(authenticate(deps.db.prisma));
  v1.use(express.json({ limit: '64kb' }));
  v1.use('/applications', applicationsRouter(deps));
  v1.use('/', recordsRouter(deps));
  v1.use('/', reviewsRouter(deps));
  v1.use('/', webhooksRouter(deps));
  app.use('/v1', v1);

  app.use((_req, _res, next) => next(new AppError('not_found', { entity: 'Route' })));
  app.use(errorHandler(deps.config.limits.maxUploadBytes));
  return app;
}
