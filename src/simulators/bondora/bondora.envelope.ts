import type { BondoraApiError, BondoraEnvelope, BondoraPagedEnvelope } from '../../upstream/bondora/bondora.dto.js';
import type { SimResponse } from '../sim.router.js';

// Bondora's response envelopes: `{Payload, Success, Errors}`, paged lists with their counts first.

/** The error envelope: no Payload, `Success:false`, `Code` carries the HTTP status. */
export function bondoraErrorBody(status: number, message: string, details?: string | null): BondoraEnvelope<never> {
  const error: BondoraApiError = { Code: status, Message: message, Details: details ?? null };
  return { Success: false, Errors: [error] };
}

export function fail(status: number, message: string, details?: string | null, headers?: Record<string, string>): SimResponse {
  return { status, body: bondoraErrorBody(status, message, details), ...(headers ? { headers } : {}) };
}

export function ok<T>(status: number, payload: T): SimResponse {
  const body: BondoraEnvelope<T> = { Payload: payload, Success: true, Errors: null };
  return { status, body };
}

/** Writes without a result (cancel) answer with an envelope that has no Payload. */
export function accepted(): SimResponse {
  const body: BondoraEnvelope<never> = { Success: true, Errors: null };
  return { status: 202, body };
}

export function paged<T>(pageSize: number, pageNr: number, totalCount: number, payload: T[]): SimResponse {
  const body: BondoraPagedEnvelope<T> = {
    PageSize: pageSize,
    PageNr: pageNr,
    TotalCount: totalCount,
    Count: payload.length,
    Payload: payload,
    Success: true,
    Errors: null,
  };
  return { status: 200, body };
}
