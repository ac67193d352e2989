/** The signing core's refusals: each names what was wrong; nothing is signed when one is thrown. */
export class IssuerBadInputError extends Error {
  readonly code = 'ISSUER_BAD_INPUT' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuerBadInputError';
  }
}

/** A certificate, receipt or wrapped key this issuer did not make, or that was altered. */
export class IssuerNotGenuineError extends Error {
  readonly code = 'ISSUER_NOT_GENUINE' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuerNotGenuineError';
  }
}

/** An epoch this issuer never had, or retired below its minimum. */
export class IssuerEpochError extends Error {
  readonly code = 'ISSUER_EPOCH' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IssuerEpochError';
  }
}
