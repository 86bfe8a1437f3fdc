import { describe, expect, it } from 'vitest';
import { describeBondError } from '../../src/upstream/bond/bond.client.js';
import { describeBondoraError, bondoraFailureStatus } from '../../src/upstream/bondora/bondora.client.js';
import { describeOAuthError } from '../../src/upstream/bondora/bondora.oauth.client.js';

// Every error body shape the references document, read into the upstream's own code and words.

describe('Bond error shapes (reference section 3)', () => {
  it.each([
    ['the standard envelope', { Message: 'Card does not exist', Status: 404, Code: 'card_dne', Type: 'Request Error' }, { message: 'Card does not exist', code: 'card_dne' }],
    ["the credit service's 404", { status: 'ERROR_CODE_CREDIT_APPLICATION_GENERIC', code: 3001, message: 'Not found.', details: {} }, { message: 'Not found.', code: 'ERROR_CODE_CREDIT_APPLICATION_GENERIC' }],
    ['{Error}', { Error: 'Something failed' }, { message: 'Something failed' }],
    ['{message} of an unknown route', { message: 'The requested URL was not found' }, { message: 'The requested URL was not found' }],
    [
      'a schema-validation map, nested',
      { applicant: { total_annual_income: ['Must be greater than or equal to 0.'], employment_status: ['Must be one of: employed.'] } },
      { message: 'applicant.total_annual_income: Must be greater than or equal to 0.; applicant.employment_status: Must be one of: employed.', code: 'validation_error' },
    ],
    ['a flat validation map', { dob: ['Missing data for required field.'] }, { message: 'dob: Missing data for required field.', code: 'validation_error' }],
  ])('%s', (_name, body, expected) => {
    expect(describeBondError(body)).toMatchObject(expected);
  });

  it.each([null, undefined, 'plain text', [], 42])('nothing to read in %j', (body) => {
    expect(describeBondError(body)).toBeUndefined();
  });
});

describe('Bondora error shapes', () => {
  it('the envelope carries the status as Code, with Message and Details', () => {
    const body = { Success: false, Errors: [{ Code: 429, Message: 'API calls quota exceeded! maximum admitted 1 per Second.', Details: 'Retry after 1' }] };
    expect(describeBondoraError(body)).toEqual({ code: 429, message: 'API calls quota exceeded! maximum admitted 1 per Second.', details: 'Retry after 1' });
    expect(bondoraFailureStatus(body)).toBe(429);
  });

  it('a failure inside a 2xx stands for its Code, or 500 when the Code is not an HTTP error', () => {
    expect(bondoraFailureStatus({ Success: false, Errors: [{ Code: 0, Message: 'Error message', Details: null }] })).toBe(500);
    expect(bondoraFailureStatus({ Success: false, Errors: null })).toBe(500);
    expect(bondoraFailureStatus({ Success: true, Errors: null, Payload: [] })).toBeUndefined();
    expect(bondoraFailureStatus(undefined)).toBeUndefined();
  });

  it('OAuth errors come as {error, error_description} or in the API envelope', () => {
    expect(describeOAuthError({ error: 'invalid_grant', error_description: 'The refresh token is invalid or revoked.' })).toEqual({
      code: 'invalid_grant',
      message: 'The refresh token is invalid or revoked.',
    });
    expect(describeOAuthError({ Errors: [{ Code: 400, Message: 'Missing or invalid parameters' }] })).toEqual({ code: 400, message: 'Missing or invalid parameters' });
  });
});
