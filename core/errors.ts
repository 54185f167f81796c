// The one error type that crosses the API edge: a reason code (see reasons.ts)
// with its HTTP status, message and, for validation, the offending field.
import { REASONS, reasonMessage, type ReasonCode, type ReasonParams } from './reasons.ts';

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ReasonCode,
    readonly params: ReasonParams = {},
    readonly field?: string,
  ) {
    super(reasonMessage(code, params, 'en'));
    const reason = REASONS[code] as { http?: number };
    this.status = reason.http ?? 500;
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        messageRu: reasonMessage(this.code, this.params, 'ru'),
        ...(this.field ? { field: this.field } : {}),
      },
    };
  }
}
