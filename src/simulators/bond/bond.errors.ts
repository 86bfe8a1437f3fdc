import type { BondCreditErrorDto, BondStandardErrorDto } from '../../upstream/bond/bond.dto.js';
import type { SimResponse } from '../sim.router.js';

// Bond answers with three error shapes: the standard capitalised envelope, the credit service's
// own 404 body, and marshmallow-style field→messages maps for schema validation.

const DEFAULT_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'auth_err',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'resource_conflict',
  424: 'service_disabled',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export function bondStandardError(status: number, message: string, code?: string): BondStandardErrorDto {
  return {
    Message: message,
    Status: status,
    Code: code ?? DEFAULT_CODES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request'),
    Type: status >= 500 ? 'Server Error' : 'Request Error',
  };
}

/** The router's error body: used for injected faults, unknown paths, 405s and unparsable bodies. */
export function bondErrorBody(status: number, message: string, details?: string): BondStandardErrorDto {
  return bondStandardError(status, details ? `${message} ${details}` : message);
}

export function standardErrorResponse(status: number, message: string, code?: string): SimResponse {
  return { status, body: bondStandardError(status, message, code) };
}

export function creditNotFound(): SimResponse {
  const body: BondCreditErrorDto = {
    status: 'ERROR_CODE_CREDIT_APPLICATION_GENERIC',
    code: 3001,
    message: 'Not found.',
    details: {},
  };
  return { status: 404, body };
}

export function unauthorized(): SimResponse {
  return standardErrorResponse(401, 'Unauthorized to access the relevant resources', 'auth_err');
}
