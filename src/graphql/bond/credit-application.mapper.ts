import type { BondApplicationDto } from '../../upstream/bond/bond.dto.js';
import { toCalendarDate, toDateTime, toEnum, toInteger, toText } from '../value.mapper.js';
import { CreditApplicationStatus, EmploymentStatus, type CreditApplication } from './credit-application.type.js';

const STATUS: Record<string, CreditApplicationStatus> = Object.fromEntries(
  Object.values(CreditApplicationStatus).map((s) => [s.toLowerCase(), s]),
);
const EMPLOYMENT: Record<string, EmploymentStatus> = Object.fromEntries(
  Object.values(EmploymentStatus).map((s) => [s.toLowerCase(), s]),
);

export function toCreditApplication(dto: BondApplicationDto): CreditApplication {
  const a = dto.applicant;
  return {
    id: dto.application_id,
    programId: dto.program_id,
    status: toEnum(STATUS, dto.application_status),
    statusRaw: String(dto.application_status),
    createdAt: toDateTime(dto.date_created),
    updatedAt: toDateTime(dto.date_updated),
    securityDepositAccountId: toText(dto.accounts?.security_deposit_account_id),
    applicant: {
      customerId: a.customer_id,
      employmentStatus: toEnum(EMPLOYMENT, a.employment_status),
      employmentStatusRaw: toText(a.employment_status),
      totalAnnualIncome: toInteger(a.total_annual_income),
      monthlyHousingPayment: toInteger(a.monthly_housing_payment),
      firstName: toText(a.first_name),
      middleName: toText(a.middle_name),
      lastName: toText(a.last_name),
      dateOfBirth: toCalendarDate(a.date_of_birth),
      email: toText(a.email),
      termsAccepted: typeof a.terms_accepted === 'boolean' ? a.terms_accepted : null,
      currency: toText(a.currency),
      address: {
        addressId: toText(a.address_id),
        street: toText(a.street),
        street2: toText(a.street2),
        city: toText(a.city),
        state: toText(a.state),
        country: toText(a.country),
        zipCode: toText(a.zip_code),
      },
    },
  };
}
