import type {
  BondApplicantDto,
  BondApplicationDto,
  BondApplicationStatus,
  BondEmploymentStatus,
} from '../../upstream/bond/bond.dto.js';
import { mulberry32 } from '../sim.router.js';

// Deterministic seed data for the Bond simulator: customers (the PII that applications copy),
// one card program and ~150 credit applications spread unevenly over the customers so that
// cursor paging crosses several pages, with and without a customer filter.

export const BOND_DEFAULT_SEED = 20_211_115;

/** A Bond Customer as far as credit applications need it; `sandbox_ssn` is the raw SSN behind the token. */
export interface BondSeedCustomer {
  customer_id: string;
  address_id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  date_of_birth: string;
  street: string;
  street2: string | null;
  city: string;
  state: string;
  country: string;
  zip_code: string;
  ssn: string;
  sandbox_ssn: string;
  email: string;
}

export interface BondSeed {
  programId: string;
  customers: BondSeedCustomer[];
  /** Newest first, as the list endpoint returns them. */
  applications: BondApplicationDto[];
}

/** Applications with values the gateway does not know; their ids are fixed so tests can name them. */
export const BOND_SEED_ODDITIES = {
  unknownStatusApplicationId: '0dd5a7a7-0000-4000-8000-000000000001',
  unknownEmploymentApplicationId: '0dde3910-0000-4000-8000-000000000002',
} as const;

export type BondKycOutcome = Extract<BondApplicationStatus, 'approved' | 'denied' | 'resubmit_required'>;

// Bond's sandbox decides KYC by magic SSNs: the bureau/OFAC failures deny, the timeout asks for a
// resubmission, anything else passes.
const SANDBOX_KYC: Record<string, BondKycOutcome> = {
  '999-99-0000': 'denied',
  '999-99-1111': 'denied',
  '999-99-2222': 'denied',
  '888-88-8888': 'resubmit_required',
};

export function bondKycOutcome(sandboxSsn: string): BondKycOutcome {
  return SANDBOX_KYC[sandboxSsn] ?? 'approved';
}

type CustomerTemplate = Omit<BondSeedCustomer, 'customer_id' | 'address_id' | 'ssn' | 'sandbox_ssn' | 'email'> & {
  sandbox_ssn?: string;
  /** How many applications this customer gets: deliberately uneven. */
  applications: number;
};

const CUSTOMERS: CustomerTemplate[] = [
  { first_name: 'James', middle_name: 'Herbert', last_name: 'Bond', date_of_birth: '1997-12-25', street: '45 California St.', street2: 'Suite 600', city: 'San Francisco', state: 'CA', country: 'US', zip_code: '94105', applications: 56 },
  { first_name: 'Eve', middle_name: '', last_name: 'Moneypenny', date_of_birth: '1988-04-12', street: '221 Pine St', street2: null, city: 'Seattle', state: 'WA', country: 'US', zip_code: '98101', applications: 24 },
  { first_name: 'Felix', middle_name: null, last_name: 'Leiter', date_of_birth: '1979-09-02', street: '1200 Congress Ave', street2: 'Apt 4B', city: 'Austin', state: 'TX', country: 'US', zip_code: '78701', applications: 20 },
  { first_name: 'Mary', middle_name: 'Anne', last_name: 'Goodnight', date_of_birth: '1991-06-30', street: '77 Beacon St', street2: null, city: 'Boston', state: 'MA', country: 'US', zip_code: '02108', applications: 12 },
  { first_name: 'Honey', middle_name: null, last_name: 'Ryder', date_of_birth: '1986-08-19', street: '9 Ocean Dr', street2: 'Unit 1203', city: 'Miami Beach', state: 'FL', country: 'US', zip_code: '33139', applications: 8 },
  { first_name: 'Bill', middle_name: 'J', last_name: 'Tanner', date_of_birth: '1970-01-15', street: '500 N Michigan Ave', street2: 'Floor 12', city: 'Chicago', state: 'IL', country: 'US', zip_code: '60611', applications: 6 },
  { first_name: 'Tiffany', middle_name: '', last_name: 'Case', date_of_birth: '1985-11-02', street: '3600 S Las Vegas Blvd', street2: null, city: 'Las Vegas', state: 'NV', country: 'US', zip_code: '89109', applications: 5 },
  { first_name: 'Jack', middle_name: null, last_name: 'Wade', date_of_birth: '1964-05-27', street: '1600 Glenarm Pl', street2: 'Suite 300', city: 'Denver', state: 'CO', country: 'US', zip_code: '80202', applications: 4 },
  { first_name: 'Ana', middle_name: 'Lucia', last_name: 'Ramirez', date_of_birth: '1995-03-08', street: '400 E Van Buren St', street2: null, city: 'Phoenix', state: 'AZ', country: 'US', zip_code: '85004', applications: 3 },
  { first_name: 'Wei', middle_name: null, last_name: 'Chen', date_of_birth: '2001-11-20', street: '88 Broadway', street2: 'Apt 5F', city: 'New York', state: 'NY', country: 'US', zip_code: '10006', applications: 3 },
  { first_name: 'Sam', middle_name: null, last_name: 'Okafor', date_of_birth: '1983-07-04', street: '55 Peachtree St NE', street2: null, city: 'Atlanta', state: 'GA', country: 'US', zip_code: '30303', sandbox_ssn: '999-99-0000', applications: 2 },
  { first_name: 'Priya', middle_name: '', last_name: 'Patel', date_of_birth: '1993-02-14', street: '1 SW Columbia St', street2: 'Suite 800', city: 'Portland', state: 'OR', country: 'US', zip_code: '97204', sandbox_ssn: '888-88-8888', applications: 2 },
  { first_name: 'Lucas', middle_name: 'Henri', last_name: 'Martin', date_of_birth: '1968-10-31', street: '700 Canal St', street2: null, city: 'New Orleans', state: 'LA', country: 'US', zip_code: '70130', applications: 2 },
  // A customer with no applications yet, for create flows.
  { first_name: 'Grace', middle_name: null, last_name: 'Kim', date_of_birth: '2003-05-05', street: '300 S Tryon St', street2: 'Apt 1410', city: 'Charlotte', state: 'NC', country: 'US', zip_code: '28202', applications: 0 },
];

const STATUS_WEIGHTS: Array<[BondApplicationStatus, number]> = [
  ['approved', 34],
  ['created', 18],
  ['resubmit_required', 14],
  ['denied', 13],
  ['submitted', 11],
  ['kyc_started', 10],
];

const EMPLOYMENT_WEIGHTS: Array<[BondEmploymentStatus, number]> = [
  ['employed', 50],
  ['self_employed', 16],
  ['retired', 10],
  ['student', 9],
  ['unemployed', 8],
  ['other', 7],
];

const SEED_START = Date.UTC(2023, 6, 1); // two years of history ending mid-2025
const SEED_DAYS = 730;
const MICROS_PER_DAY = 86_400_000_000;
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function buildBondSeed(seed = BOND_DEFAULT_SEED): BondSeed {
  const random = mulberry32(seed);
  const uuid = () => randomUuid(random);
  const programId = uuid();
  const customers = CUSTOMERS.map((t): BondSeedCustomer => {
    const { applications: _count, sandbox_ssn, ...pii } = t;
    return {
      ...pii,
      customer_id: uuid(),
      address_id: uuid(),
      ssn: `tok_sandbox_${token(random, 22)}`,
      sandbox_ssn: sandbox_ssn ?? `5${digits(random, 2)}-${digits(random, 2)}-${digits(random, 4)}`,
      email: `${t.first_name}.${t.last_name}@example.com`.toLowerCase(),
    };
  });

  const owners = CUSTOMERS.flatMap((t, i) => Array.from({ length: t.applications }, () => customers[i]!));
  const created = distinctMicros(random, owners.length + 2);
  const applications: BondApplicationDto[] = owners.map((customer, i) => {
    // The first indexes cycle through every value so any seed covers all statuses and employments.
    const status = i < STATUS_WEIGHTS.length ? STATUS_WEIGHTS[i]![0] : pick(random, STATUS_WEIGHTS);
    const employment: BondEmploymentStatus | null =
      i === 8 ? null : i < EMPLOYMENT_WEIGHTS.length ? EMPLOYMENT_WEIGHTS[i]![0] : pick(random, EMPLOYMENT_WEIGHTS);
    const unfinished = status === 'created' && random() < 0.25;
    const income = i === 7 ? 3_000_000_000 : i === 9 ? 0 : unfinished ? null : logUniform(random, 500_000, 60_000_000);
    const housing = unfinished ? null : random() < 0.1 ? 0 : logUniform(random, 30_000, 600_000);
    return application(random, uuid, {
      programId,
      customer,
      createdMicros: created[i]!,
      status,
      employment,
      income,
      housing,
    });
  });

  applications.push(
    application(random, uuid, {
      id: BOND_SEED_ODDITIES.unknownStatusApplicationId,
      programId,
      customer: customers[1]!,
      createdMicros: created[owners.length]!,
      status: 'under_review',
      employment: 'employed',
      income: 8_400_000,
      housing: 210_000,
    }),
    application(random, uuid, {
      id: BOND_SEED_ODDITIES.unknownEmploymentApplicationId,
      programId,
      customer: customers[2]!,
      createdMicros: created[owners.length + 1]!,
      status: 'created',
      employment: 'contractor',
      income: 9_150_000,
      housing: 185_000,
    }),
  );
  applications.sort(bondListOrder);
  return { programId, customers, applications };
}

interface ApplicationSpec {
  id?: string;
  programId: string;
  customer: BondSeedCustomer;
  createdMicros: number;
  status: string;
  employment: string | null;
  income: number | null;
  housing: number | null;
}

function application(random: () => number, uuid: () => string, spec: ApplicationSpec): BondApplicationDto {
  const { customer } = spec;
  const touched = spec.status !== 'created' || random() < 0.3;
  const updatedMicros = touched ? spec.createdMicros + Math.floor(random() * 10 * MICROS_PER_DAY) : spec.createdMicros;
  return {
    application_id: spec.id ?? uuid(),
    program_id: spec.programId,
    date_created: bondTimestamp(spec.createdMicros),
    date_updated: bondTimestamp(updatedMicros),
    application_status: spec.status,
    applicant: bondApplicant(customer, {
      employment_status: spec.employment,
      total_annual_income: spec.income,
      monthly_housing_payment: spec.housing,
    }),
    accounts: { security_deposit_account_id: spec.status === 'approved' ? uuid() : null },
  };
}

export interface BondApplicantFields {
  employment_status: string | null;
  total_annual_income: number | null;
  monthly_housing_payment: number | null;
}

/** An applicant as Bond builds it: PII copied from the Customer, keys in the documented order. */
export function bondApplicant(customer: BondSeedCustomer, fields: BondApplicantFields): BondApplicantDto {
  return {
    customer_id: customer.customer_id,
    employment_status: fields.employment_status,
    address_id: customer.address_id,
    total_annual_income: fields.total_annual_income,
    monthly_housing_payment: fields.monthly_housing_payment,
    terms_accepted: true,
    currency: 'USD',
    first_name: customer.first_name,
    middle_name: customer.middle_name,
    last_name: customer.last_name,
    date_of_birth: customer.date_of_birth,
    street: customer.street,
    street2: customer.street2,
    city: customer.city,
    state: customer.state,
    country: customer.country,
    zip_code: customer.zip_code,
    ssn: customer.ssn,
    email: customer.email,
  };
}

/** List order: newest first by date_created, ties broken by application_id descending. */
export function bondListOrder(a: BondApplicationDto, b: BondApplicationDto): number {
  // The fixed-width microsecond timestamps compare correctly as strings.
  if (a.date_created !== b.date_created) return a.date_created > b.date_created ? -1 : 1;
  if (a.application_id === b.application_id) return 0;
  return a.application_id > b.application_id ? -1 : 1;
}

/** Microseconds since the epoch of a Bond timestamp (the inverse of bondTimestamp). */
export function bondMicros(timestamp: string): number {
  const fraction = /\.(\d{1,6})Z$/.exec(timestamp)?.[1] ?? '';
  return Math.floor(Date.parse(timestamp) / 1000) * 1_000_000 + Number(fraction.padEnd(6, '0'));
}

/** ISO-8601 UTC with microseconds, as Bond writes it: 2021-11-15T00:17:56.842105Z. */
export function bondTimestamp(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const extra = String(micros - millis * 1000).padStart(3, '0');
  return new Date(millis).toISOString().replace('Z', `${extra}Z`);
}

/** A lowercase UUID v4 string from the seeded generator. */
export function randomUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function distinctMicros(random: () => number, count: number): number[] {
  const seen = new Set<number>();
  while (seen.size < count) {
    const day = Math.floor(random() * SEED_DAYS);
    seen.add(SEED_START * 1000 + day * MICROS_PER_DAY + Math.floor(random() * MICROS_PER_DAY));
  }
  return [...seen];
}

function pick<T>(random: () => number, weights: Array<[T, number]>): T {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of weights) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return weights[weights.length - 1]![0];
}

function logUniform(random: () => number, min: number, max: number): number {
  return Math.round(Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))));
}

function token(random: () => number, length: number): string {
  return Array.from({ length }, () => TOKEN_ALPHABET[Math.floor(random() * TOKEN_ALPHABET.length)]).join('');
}

function digits(random: () => number, length: number): string {
  return Array.from({ length }, () => Math.floor(random() * 10)).join('');
}
