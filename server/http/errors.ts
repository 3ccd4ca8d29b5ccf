// Errors with stable machine codes, and the middleware that turns anything thrown into the
// contract's {"error": {code, message, details}} with the status that code means.

import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../../shared/protocol/errors.ts';
import { fieldIssues } from '../../shared/protocol/schemas.ts';

export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Parse with a zod schema or throw a 400 that names each bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = fieldIssues(result.error, prefix);
    throw new HttpError('validation_failed', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  }
  return result.data;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError('not_found', `no route ${req.method} ${req.path}`));
};

/** body-parser's own error types, mapped to the contract's codes. */
function fromBodyParser(err: { type?: string; message?: string }): HttpError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new HttpError('bad_request', 'the body is not valid JSON');
    case 'entity.too.large':
      return new HttpError('payload_too_large', 'the body is larger than this endpoint accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError('bad_request', err.message ?? 'unsupported encoding');
    case 'request.aborted':
      return new HttpError('bad_request', 'the request was aborted');
    default:
      return null;
  }
}

/** Errors Express raises itself with a 4xx status (e.g. a path with malformed %-encoding). */
function fromExpress(err: unknown): HttpError | null {
  const status = (err as { status?: unknown } | null)?.status;
  if (err instanceof URIError || status === 400) return new HttpError('bad_request', 'the URL is malformed');
  if (status === 404) return new HttpError('not_found', 'not found');
  if (status === 413) return new HttpError('payload_too_large', 'the body is larger than this endpoint accepts');
  return null;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof HttpError ? err : (fromBodyParser(err as { type?: string }) ?? fromExpress(err));
    if (known) {
      if (known.code === 'rate_limited' && known.details && typeof known.details === 'object') {
        const retry = (known.details as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (retry) res.setHeader('Retry-After', String(retry));
      }
      res.status(known.status).json(errorBody(known.code, known.message, known.details));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    res.status(500).json(errorBody('internal', 'internal error'));
  };
}
