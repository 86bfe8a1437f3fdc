import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData, requiresScopesOnType } from '../access.guard.js';
import { connectionType } from '../pagination/connection.type.js';
import { CentsScalar, DateScalar, DateTimeScalar } from '../scalar.type.js';

export enum CreditApplicationStatus {
  CREATED = 'CREATED',
  KYC_STARTED = 'KYC_STARTED',
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  DENIED = 'DENIED',
  RESUBMIT_REQUIRED = 'RESUBMIT_REQUIRED',
}
registerEnumType(CreditApplicationStatus, { name: 'CreditApplicationStatus' });

export enum EmploymentStatus {
  EMPLOYED = 'EMPLOYED',
  SELF_EMPLOYED = 'SELF_EMPLOYED',
  UNEMPLOYED = 'UNEMPLOYED',
  RETIRED = 'RETIRED',
  STUDENT = 'STUDENT',
  OTHER = 'OTHER',
}
registerEnumType(EmploymentStatus, { name: 'EmploymentStatus' });

@ObjectType({ description: "The applicant's address, copied by Bond from the customer." })
export class Address {
  @Field(() => ID, { nullable: true })
  addressId!: string | null;

  @Field(() => String, { nullable: true })
  street!: string | null;

  @Field(() => String, { nullable: true })
  street2!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true })
  state!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => String, { nullable: true })
  zipCode!: string | null;
}

@ObjectType({ description: 'The person applying; money in cents.' })
export class Applicant {
  @Field(() => ID)
  customerId!: string;

  @Field(() => EmploymentStatus, { nullable: true, description: 'Null when not given, or when Bond sends a value this schema does not know (see employmentStatusRaw).' })
  employmentStatus!: EmploymentStatus | null;

  @Field(() => String, { nullable: true, description: "Bond's own employment_status value." })
  employmentStatusRaw!: string | null;

  @Field(() => CentsScalar, { nullable: true })
  totalAnnualIncome!: number | null;

  @Field(() => CentsScalar, { nullable: true })
  monthlyHousingPayment!: number | null;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  middleName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Personal data: another customer's needs pii:read." })
  @PersonalData()
  dateOfBirth!: string | null;

  @Field(() => Address, { nullable: true, description: "Personal data: another customer's needs pii:read." })
  @PersonalData()
  address!: Address;

  @Field(() => String, { nullable: true, description: "Personal data: another customer's needs pii:read." })
  @PersonalData()
  email!: string | null;

  @Field(() => Boolean, { nullable: true })
  termsAccepted!: boolean | null;

  @Field(() => String, { nullable: true, description: 'ISO-4217, e.g. USD.' })
  currency!: string | null;
}

@Directive('@key(fields: "id")')
@requiresScopesOnType('applications:read')
@ObjectType({ description: 'A Bond credit application of a card program.' })
export class CreditApplication {
  @Field(() => ID, { description: 'Bond application_id.' })
  id!: string;

  @Field(() => ID)
  programId!: string;

  @Field(() => CreditApplicationStatus, { nullable: true, description: 'Null when Bond sends a status this schema does not know (see statusRaw).' })
  status!: CreditApplicationStatus | null;

  @Field(() => String, { description: "Bond's own application_status value." })
  statusRaw!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  updatedAt!: Date | null;

  @Field(() => Applicant)
  applicant!: Applicant;

  @Field(() => ID, { nullable: true, description: 'Set once the application is approved.' })
  securityDepositAccountId!: string | null;
}

export const CreditApplicationConnection = connectionType('CreditApplication', CreditApplication, { totalCount: false });
