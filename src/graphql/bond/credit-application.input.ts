import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { BidirectionalConnectionArgs } from '../pagination/connection.args.type.js';
import type { BondApplicantPatchDto, BondApplicationCreateDto, BondEmploymentStatus } from '../../upstream/bond/bond.dto.js';
import { badUserInput } from '../error.mapper.js';
import { requireUuid } from '../id.input.js';
import { CentsScalar } from '../scalar.type.js';
import { EmploymentStatus } from './credit-application.type.js';

@InputType({ description: 'Fields of the applicant to change; give at least one.' })
export class UpdateCreditApplicantInput {
  @Field(() => ID)
  applicationId!: string;

  @Field(() => EmploymentStatus, { nullable: true })
  employmentStatus?: EmploymentStatus | null;

  @Field(() => CentsScalar, { nullable: true, description: 'Cents, >= 0 (12000000 = 120,000.00).' })
  totalAnnualIncome?: number | null;

  @Field(() => CentsScalar, { nullable: true, description: 'Cents, >= 0.' })
  monthlyHousingPayment?: number | null;
}

@InputType()
export class CreateCreditApplicationInput {
  @Field(() => ID, { description: 'The card program the application is for.' })
  programId!: string;

  @Field(() => ID, { description: 'An existing Bond customer; the applicant details are copied from it.' })
  customerId!: string;

  @Field(() => EmploymentStatus, { nullable: true })
  employmentStatus?: EmploymentStatus | null;

  @Field(() => CentsScalar, { nullable: true })
  totalAnnualIncome?: number | null;

  @Field(() => CentsScalar, { nullable: true })
  monthlyHousingPayment?: number | null;
}

@ArgsType()
export class CreditApplicationsArgs extends BidirectionalConnectionArgs {
  @Field(() => ID, { nullable: true, description: "Only this customer's applications." })
  customerId?: string | null;
}

type ApplicantFields = Pick<UpdateCreditApplicantInput, 'employmentStatus' | 'totalAnnualIncome' | 'monthlyHousingPayment'>;

function applicantPatch(input: ApplicantFields): BondApplicantPatchDto {
  const patch: BondApplicantPatchDto = {};
  if (input.employmentStatus) patch.employment_status = input.employmentStatus.toLowerCase() as BondEmploymentStatus;
  for (const [field, key] of [
    ['totalAnnualIncome', 'total_annual_income'],
    ['monthlyHousingPayment', 'monthly_housing_payment'],
  ] as const) {
    const value = input[field];
    if (value === null || value === undefined) continue;
    if (value < 0) throw badUserInput(`input.${field} must not be negative, got ${value}`, `input.${field}`);
    patch[key] = value;
  }
  return patch;
}

export function toApplicantUpdate(input: UpdateCreditApplicantInput): { id: string; patch: BondApplicantPatchDto } {
  const id = requireUuid(input.applicationId, 'input.applicationId');
  const patch = applicantPatch(input);
  if (Object.keys(patch).length === 0) {
    throw badUserInput('Give at least one of employmentStatus, totalAnnualIncome or monthlyHousingPayment', 'input');
  }
  return { id, patch };
}

export function toApplicationCreate(input: CreateCreditApplicationInput): BondApplicationCreateDto {
  return {
    program_id: requireUuid(input.programId, 'input.programId'),
    applicant: { customer_id: requireUuid(input.customerId, 'input.customerId'), ...applicantPatch(input) },
  };
}
