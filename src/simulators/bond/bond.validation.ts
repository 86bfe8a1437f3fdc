import {
  BOND_EMPLOYMENT_STATUSES,
  type BondApplicantPatchDto,
  type BondApplicationCreateDto,
  type BondEmploymentStatus,
} from '../../upstream/bond/bond.dto.js';

// Request-body validation for the credit endpoints. Bond's credit service is a Flask/marshmallow
// app, so errors come back as a field→messages map with marshmallow's wording, strict integers
// (no floats, no numeric strings) and unknown fields rejected.

export type FieldErrors = { [field: string]: string[] | FieldErrors };
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const MISSING = 'Missing data for required field.';
const NULL = 'Field may not be null.';
const UNKNOWN = 'Unknown field.';
const INVALID_TYPE = 'Invalid input type.';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PATCH_FIELDS = ['employment_status', 'total_annual_income', 'monthly_housing_payment'] as const;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** PATCH /credit/applications/:id body: `{applicant: {...at least one patch field}}`. */
export function validateApplicantUpdate(body: unknown): Validated<BondApplicantPatchDto> {
  const errors: FieldErrors = {};
  const root = rootObject(body, errors);
  if (!root) return { ok: false, errors };
  rejectUnknown(root, ['applicant'], errors);
  let patch: BondApplicantPatchDto = {};
  if (!('applicant' in root)) errors['applicant'] = [MISSING];
  else {
    const applicantErrors: FieldErrors = {};
    const applicant = objectOrError(root['applicant'], applicantErrors, '_schema');
    if (applicant) {
      rejectUnknown(applicant, PATCH_FIELDS, applicantErrors);
      patch = patchFields(applicant, applicantErrors);
      if (Object.keys(applicant).length === 0) {
        applicantErrors['_schema'] = [`At least one of ${PATCH_FIELDS.join(', ')} is required.`];
      }
    }
    if (Object.keys(applicantErrors).length > 0) errors['applicant'] = applicantErrors;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: patch };
}

/** POST /credit/applications body: `{program_id, applicant: {customer_id, ...patch fields}}`. */
export function validateApplicationCreate(body: unknown): Validated<BondApplicationCreateDto> {
  const errors: FieldErrors = {};
  const root = rootObject(body, errors);
  if (!root) return { ok: false, errors };
  rejectUnknown(root, ['program_id', 'applicant'], errors);
  const programId = uuidField(root, 'program_id', errors);
  let customerId: string | undefined;
  let patch: BondApplicantPatchDto = {};
  if (!('applicant' in root)) errors['applicant'] = [MISSING];
  else {
    const applicantErrors: FieldErrors = {};
    const applicant = objectOrError(root['applicant'], applicantErrors, '_schema');
    if (applicant) {
      rejectUnknown(applicant, ['customer_id', ...PATCH_FIELDS], applicantErrors);
      customerId = uuidField(applicant, 'customer_id', applicantErrors);
      patch = patchFields(applicant, applicantErrors);
    }
    if (Object.keys(applicantErrors).length > 0) errors['applicant'] = applicantErrors;
  }
  if (Object.keys(errors).length > 0 || programId === undefined || customerId === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, value: { program_id: programId, applicant: { customer_id: customerId, ...patch } } };
}

function patchFields(applicant: Record<string, unknown>, errors: FieldErrors): BondApplicantPatchDto {
  const patch: BondApplicantPatchDto = {};
  if ('employment_status' in applicant) {
    const value = applicant['employment_status'];
    if (value === null) errors['employment_status'] = [NULL];
    else if (typeof value !== 'string') errors['employment_status'] = ['Not a valid string.'];
    else if (!(BOND_EMPLOYMENT_STATUSES as readonly string[]).includes(value)) {
      errors['employment_status'] = [`Must be one of: ${BOND_EMPLOYMENT_STATUSES.join(', ')}.`];
    } else patch.employment_status = value as BondEmploymentStatus;
  }
  for (const field of ['total_annual_income', 'monthly_housing_payment'] as const) {
    if (!(field in applicant)) continue;
    const value = applicant[field];
    const message = centsError(value);
    if (message) errors[field] = [message];
    else patch[field] = value as number;
  }
  return patch;
}

/** Integer cents: strict integers only, 0..2^53-1 so every accepted value round-trips exactly. */
function centsError(value: unknown): string | undefined {
  if (value === null) return NULL;
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'Not a valid integer.';
  if (value < 0) return 'Must be greater than or equal to 0.';
  if (value > Number.MAX_SAFE_INTEGER) return `Must be less than or equal to ${Number.MAX_SAFE_INTEGER}.`;
  return undefined;
}

function uuidField(source: Record<string, unknown>, field: string, errors: FieldErrors): string | undefined {
  if (!(field in source)) {
    errors[field] = [MISSING];
    return undefined;
  }
  const value = source[field];
  if (value === null) errors[field] = [NULL];
  else if (typeof value !== 'string' || !isUuid(value)) errors[field] = ['Not a valid UUID.'];
  else return value.toLowerCase();
  return undefined;
}

function objectOrError(value: unknown, errors: FieldErrors, key: string): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  errors[key] = [value === null ? NULL : INVALID_TYPE];
  return undefined;
}

function rootObject(body: unknown, errors: FieldErrors): Record<string, unknown> | undefined {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  errors['_schema'] = [body === undefined ? 'No input data provided.' : INVALID_TYPE];
  return undefined;
}

function rejectUnknown(source: Record<string, unknown>, allowed: readonly string[], errors: FieldErrors): void {
  for (const key of Object.keys(source)) if (!allowed.includes(key)) errors[key] = [UNKNOWN];
}
