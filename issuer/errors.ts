import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every refusal of the service: an HTTP status, a literal code the client can act on,
 *  and a message naming what was wrong. Sent as {error:{code,message}}. */
export type IssuerErrorCode =
  | 'BAD_REQUEST'
  | 'TOO_LARGE'
  | 'WRONG_CONTENT_TYPE'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_SIGNATURE'
  | 'BAD_CERTIFICATE'
  | 'CARD_NUMBER_TAKEN'
  | 'BAD_CHALLENGE'
  | 'BAD_BACKUP'
  | 'CHAIN_CONFLICT'
  | 'OUT_OF_ORDER'
  | 'OVER_QUOTA'
  | 'REPLAYED'
  | 'CARD_STOPPED'
  | 'WRONG_STATE'
  | 'WITHDRAWN'
  | 'ORIGIN_REFUSED';

const STATUS: Record<IssuerErrorCode, ContentfulStatusCode> = {
  BAD_REQUEST: 400,
  TOO_LARGE: 413,
  WRONG_CONTENT_TYPE: 415,
  RATE_LIMITED: 429,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_SIGNATURE: 400,
  BAD_CERTIFICATE: 400,
  CARD_NUMBER_TAKEN: 409,
  BAD_CHALLENGE: 401,
  BAD_BACKUP: 400,
  CHAIN_CONFLICT: 409,
  OUT_OF_ORDER: 409,
  OVER_QUOTA: 413,
  REPLAYED: 409,
  CARD_STOPPED: 403,
  WRONG_STATE: 409,
  WITHDRAWN: 409,
  ORIGIN_REFUSED: 403,
};

export class IssuerError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: IssuerErrorCode,
    message: string,
    options?: { cause?: unknown; detail?: Record<string, unknown> },
  ) {
    super(message, options);
    this.name = 'IssuerError';
    this.status = STATUS[code];
    this.detail = options?.detail;
  }
  readonly detail: Record<string, unknown> | undefined;
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.detail ? { detail: this.detail } : {}) } };
  }
}
