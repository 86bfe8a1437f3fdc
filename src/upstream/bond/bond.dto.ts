// Bond API v0.1 credit-application JSON shapes, names verbatim (snake_case).
// Money is integer cents; timestamps are ISO-8601 UTC with microseconds and "Z".

export const BOND_EMPLOYMENT_STATUSES = [
  'employed',
  'self_employed',
  'unemployed',
  'retired',
  'student',
  'other',
] as const;
export type BondEmploymentStatus = (typeof BOND_EMPLOYMENT_STATUSES)[number];

export const BOND_APPLICATION_STATUSES = [
  'created',
  'kyc_started',
  'submitted',
  'approved',
  'denied',
  'resubmit_required',
] as const;
export type BondApplicationStatus = (typeof BOND_APPLICATION_STATUSES)[number];

export interface BondApplicantDto {
  customer_id: string;
  /** Typed as string: the upstream may add values the gateway does not know yet. */
  employment_status?: string | null;
  address_id: string | null;
  total_annual_income: number | null;
  monthly_housing_payment: number | null;
  terms_accepted: boolean;
  currency: string;
  first_name: string | null;
  middle_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  street: string | null;
  street2: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  zip_code: string | null;
  ssn: string | null;
  email: string | null;
}

export interface BondApplicationDto {
  application_id: string;
  program_id: string;
  date_created: string;
  date_updated: string;
  application_status: string;
  applicant: BondApplicantDto;
  accounts: { security_deposit_account_id: string | null };
}

export interface BondApplicationListDto {
  has_more: boolean;
  data: BondApplicationDto[];
}

export interface BondApplicationListQuery {
  limit?: number;
  customer_id?: string;
  starting_after?: string;
  ending_before?: string;
}

export interface BondApplicantPatchDto {
  employment_status?: BondEmploymentStatus;
  total_annual_income?: number;
  monthly_housing_payment?: number;
}

export interface BondApplicantUpdateDto {
  applicant: BondApplicantPatchDto;
}

export interface BondApplicationCreateDto {
  program_id: string;
  applicant: BondApplicantPatchDto & { customer_id: string };
}

/**
 * GET /credit/applications/{id}/adverse-actions: why an application was denied. Bond answers 404
 * (the credit service's error shape) when the application has none.
 */
export interface BondAdverseActionDto {
  id: string;
  application_id: string;
  date_created: string;
  date_updated: string;
  /** The service that decided, e.g. "kyc". */
  service: string;
  reasons: string[];
}

/** The standard Bond error envelope (capitalised keys). */
export interface BondStandardErrorDto {
  Message: string;
  Status: number;
  Code: string;
  Type: 'Request Error' | 'Server Error' | 'Process Error';
}

/** The credit service's own error shape (seen on its 404s). */
export interface BondCreditErrorDto {
  status: string;
  code: number;
  message: string;
  details: Record<string, unknown>;
}

/** Largest `limit` the list endpoint accepts. */
export const BOND_MAX_PAGE_SIZE = 50;
