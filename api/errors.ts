// Maps whatever a route throws to `{ "error": { code, message, field? } }`.
import type { ErrorRequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { errorMessage, log } from '../core/log.ts';

/** Turns a zod failure into our validation error, naming the first offending field. */
export function validationError(error: z.ZodError, prefix?: string): AppError {
  const first = error.issues[0];
  const field = [prefix, ...(first?.path ?? [])].filter((part) => part !== undefined && part !== '').join('.');
  const detail = error.issues.map((issue) => `${issue.path.join('.') || prefix || 'body'}: ${issue.message}`).join('; ');
  return new AppError('validation_failed', { detail }, field || undefined);
}

export function parse<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, prefix);
  return result.data;
}

const MULTER_REASONS: Record<string, (error: multer.MulterError, limitMb: string) => AppError> = {
  LIMIT_FILE_SIZE: (_e, limitMb) => new AppError('file_too_large', { limitMb }, 'file'),
  LIMIT_FILE_COUNT: () => new AppError('too_many_files', {}, 'file'),
  LIMIT_UNEXPECTED_FILE: (e) => new AppError('validation_failed', { detail: `unexpected file field "${e.field}"` }, e.field),
};

export function errorHandler(maxUploadBytes: number): ErrorRequestHandler {
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
      appError = new AppError('validation_failed', { detail: 'the JSON body is too large' });
    } else {
      log.error('unhandled error', { method: req.method, path: req.path, error: errorMessage(error), stack: (error as Error)?.stack });
      appError = new AppError('internal_error');
    }
    // Refused uploads may still be streaming in: don't keep reading them.
    if (appError.status === 413) res.set('Connection', 'close');
    res.status(appError.status).json(appError.toJSON());
  };
}
