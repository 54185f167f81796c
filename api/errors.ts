// Maps whatever a route throws to `{ "error": { code, message, field? } }`.
import type { ErrorRequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import multer from 'multer';
import type { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { errorMessage, log } from '../core/log.ts';
import { caller } from './auth.ts';

/** Turns a zod failure into our validation error, naming the first offending field. */
export function validationError(error: z.ZodError, prefix?: string): AppError {
  const first = error.issues[0];
  const field = [prefix, ...(first?.path ?? [])].filter((part) => part !== undefined && part !== '').join('.');
  const detail = error.issues
    .map((issue) => `${issue.path.join('.') || prefix || 'body'}: ${issue.message}`)
    .join('; ');
  return new AppError('validation_failed', { detail }, field || undefined);
}

/** The response of a rate limiter: our error body with its reason. */
export const limited = (detail: string) => (_req: unknown, _res: unknown, next: (error: unknown) => void) =>
  next(new AppError('rate_limited', { detail }));

/** A limit on uploads per API key per minute; each route that takes files (documents, liveness frames) keeps its own count. */
export const uploadRateLimit = (perMinute: number) =>
  rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    keyGenerator: (_req, res) => caller(res).id,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: limited('uploads per key'),
  });

export function parse<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, prefix);
  return result.data;
}

const MULTER_REASONS: Record<string, (error: multer.MulterError, limitMb: string) => AppError> = {
  LIMIT_FILE_SIZE: (_e, limitMb) => new AppError('file_too_large', { limitMb }, 'file'),
  LIMIT_FILE_COUNT: () => new AppError('too_many_files', {}, 'file'),
  LIMIT_UNEXPECTED_FILE: (e) =>
    new AppError('validation_failed', { detail: `unexpected file field "${e.field}"` }, e.field),
};

/** Connection-level failures of PostgreSQL (or PGlite) that make the service unavailable, not the request wrong. */
const DATABASE_DOWN =
  /not currently accepting connections|terminating connection|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection terminated|connection timeout|Can't reach database|database system is (starting up|shutting down)|too many clients|PGlite is closed/i;

function databaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (code === 'P1001' || code === 'P1017' || code === 'P2024') return true;
    if (typeof code === 'string' && DATABASE_DOWN.test(code)) return true;
    if (typeof message === 'string' && DATABASE_DOWN.test(message)) return true;
  }
  return false;
}

export function errorHandler(maxUploadBytes: number, jsonLimit: string): ErrorRequestHandler {
  const limitMb = (maxUploadBytes / (1024 * 1024)).toFixed(0);
  return (error, req, res, _next) => {
    let appError: AppError;
    if (error instanceof AppError) appError = error;
    else if (error instanceof multer.MulterError) {
      appError =
        MULTER_REASONS[error.code]?.(error, limitMb) ??
        new AppError('validation_failed', { detail: `${error.message}${error.field ? ` (${error.field})` : ''}` });
    } else if ((error as { type?: string }).type === 'entity.parse.failed') {
      appError = new AppError('validation_failed', { detail: 'the body is not valid JSON' });
    } else if ((error as { type?: string }).type === 'entity.too.large') {
      appError = new AppError('body_too_large', { limit: jsonLimit });
    } else if ((error as { type?: string; status?: number }).status === 400 && (error as { type?: string }).type) {
      // body-parser's other refusals: a wrong charset or encoding, an aborted body.
      appError = new AppError('validation_failed', { detail: errorMessage(error) });
    } else if (
      /^(Malformed part header|Unexpected end of form|Multipart: Boundary not found|Unexpected end of multipart data)/.test(
        errorMessage(error),
      )
    ) {
      appError = new AppError('validation_failed', { detail: `malformed multipart body: ${errorMessage(error)}` });
    } else if (databaseUnavailable(error)) {
      log.warn('database unavailable', { method: req.method, path: req.path, error: errorMessage(error) });
      appError = new AppError('service_unavailable', { detail: 'database' });
    } else {
      log.error('unhandled error', { method: req.method, path: req.path, err: error });
      appError = new AppError('internal_error');
    }
    if (appError.status === 401) res.set('WWW-Authenticate', 'Bearer realm="docverify"');
    if (appError.status === 503) res.set('Retry-After', '5');
    // Refused uploads may still be streaming in: don't keep reading them.
    if (appError.status === 413) res.set('Connection', 'close');
    res.status(appError.status).json(appError.toJSON());
  };
}
