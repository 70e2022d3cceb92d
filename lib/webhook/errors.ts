// Why a request is refused: each maps to one HTTP status and a JSON body that says what to fix.

export type RequestErrorCode =
  | 'method_not_allowed'
  | 'forbidden_source'
  | 'payload_too_large'
  | 'invalid_body'
  | 'invalid_signature'
  | 'invalid_json'
  | 'invalid_payload';

const STATUS: Record<RequestErrorCode, number> = {
  method_not_allowed: 405,
  forbidden_source: 403,
  payload_too_large: 413,
  invalid_body: 400,
  invalid_signature: 401,
  invalid_json: 400,
  invalid_payload: 400,
};

export class RequestError extends Error {
  readonly status: number;
  constructor(
    readonly code: RequestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
    this.status = STATUS[code];
  }
}
