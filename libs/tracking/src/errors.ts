// Errors of the tracking library. None of them carries a request's headers or
// an axios error object: credentials can never reach a log through an error.

/** A key or value that MLflow would reject, found before any request is sent. */
export class TrackingValidationError extends Error {
  override readonly name = 'TrackingValidationError';
  constructor(
    message: string,
    /** The offending key (metric, param or tag name), when there is one. */
    readonly key?: string,
  ) {
    super(message);
  }
}

/** The server answered with an error that retrying will not fix (or retries ran out on one). */
export class MlflowApiError extends Error {
  override readonly name = 'MlflowApiError';
  constructor(
    message: string,
    readonly status: number,
    /** MLflow's `error_code`, e.g. RESOURCE_ALREADY_EXISTS, INVALID_PARAMETER_VALUE. */
    readonly errorCode: string | undefined,
    readonly method: string,
    readonly endpoint: string,
  ) {
    super(message);
  }
}

/** The server could not be reached, or kept failing with retryable errors until retries ran out. */
export class MlflowUnavailableError extends Error {
  override readonly name = 'MlflowUnavailableError';
  constructor(
    message: string,
    readonly method: string,
    readonly endpoint: string,
    readonly attempts: number,
    /** Last HTTP status seen, 0 when the last failure was a network error or a timeout. */
    readonly lastStatus: number,
  ) {
    super(message);
  }
}

export function isRetryableFailure(err: unknown): boolean {
  return err instanceof MlflowUnavailableError;
}
