import type { BondApplicantDto, BondApplicationDto } from '../../upstream/bond/bond.dto.js';
import type { FieldErrors, Validated } from './bond.validation.js';

// Bond's webhook event names, subscription-body validation (marshmallow wording, like
// bond.validation.ts) and the credit.application event bodies (bond-api.md §4, G:payloads).
//
// Simulator decisions: a name that is neither known nor a wildcard matching a known name is a 400;
// `*` matches any run of characters (`credit.*`, `card*`); only `version` "0.1" is accepted.

export const BOND_CREDIT_EVENTS = [
  'credit.application.created',
  'credit.application.submitted',
  'credit.application.approved',
  'credit.application.adverse_action',
  'credit.application.resubmit_required',
] as const;
export type BondCreditEvent = (typeof BOND_CREDIT_EVENTS)[number];

/** Every event a subscription may name; the simulator only ever sends the credit.application ones. */
export const BOND_WEBHOOK_EVENTS: readonly string[] = [
  ...BOND_CREDIT_EVENTS,
  ...['created', 'submitted', 'under_review', 'approved', 'denied', 'resubmit_required', 'pending'].map(
    (s) => `commercial.credit_application.${s}`,
  ),
  ...['success', 'failure', 'document_required', 'reenter_information', 'under_review', 'timeout', 'error'].map(
    (s) => `kyc.verification.${s}`,
  ),
  'card.created',
  ...['active', 'closed', 'fraud', 'inactive', 'reissue'].map((s) => `card.status.${s}`),
  ...['changed', 'failed', 'processed', 'scheduled'].map((s) => `account.autopay.${s}`),
  ...['generated', 'ready', 'late_payment'].map((s) => `account.statements.${s}`),
  'customer.updated',
  'transactions',
];

export const BOND_WEBHOOK_STATUSES = ['STATUS_ENABLED', 'STATUS_DISABLED'] as const;
export type BondWebhookStatus = (typeof BOND_WEBHOOK_STATUSES)[number];

export interface BondWebhookCreate {
  url: string;
  /** Wildcards expanded, duplicates removed, in catalogue order. */
  events: string[];
  description: string | null;
  status: BondWebhookStatus;
}

const MISSING = 'Missing data for required field.';
const NULL = 'Field may not be null.';
const ALLOWED = ['url', 'events', 'description', 'version', 'status'];

/** Known names matching a name or wildcard pattern; empty when nothing matches. */
export function expandBondEvents(pattern: string): string[] {
  if (!pattern.includes('*')) return BOND_WEBHOOK_EVENTS.includes(pattern) ? [pattern] : [];
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  const regex = new RegExp(`^${source}$`);
  return BOND_WEBHOOK_EVENTS.filter((name) => regex.test(name));
}

/** POST /webhooks body: `{url, events, description?, version?, status?}`. */
export function validateWebhookCreate(body: unknown): Validated<BondWebhookCreate> {
  const errors: FieldErrors = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: { _schema: [body === undefined ? 'No input data provided.' : 'Invalid input type.'] } };
  }
  const root = body as Record<string, unknown>;
  for (const key of Object.keys(root)) if (!ALLOWED.includes(key)) errors[key] = ['Unknown field.'];
  const url = validateUrl(root, errors);
  const events = validateEvents(root, errors);
  const description = root['description'];
  if (description !== undefined && description !== null && typeof description !== 'string') {
    errors['description'] = ['Not a valid string.'];
  }
  if (root['version'] !== undefined && root['version'] !== '0.1') errors['version'] = ['Must be one of: 0.1.'];
  const status = root['status'] ?? 'STATUS_ENABLED';
  if (!(BOND_WEBHOOK_STATUSES as readonly unknown[]).includes(status)) {
    errors['status'] = [`Must be one of: ${BOND_WEBHOOK_STATUSES.join(', ')}.`];
  }
  if (Object.keys(errors).length > 0 || url === undefined || events === undefined) return { ok: false, errors };
  return {
    ok: true,
    value: { url, events, description: (description as string | null | undefined) ?? null, status: status as BondWebhookStatus },
  };
}

function validateUrl(root: Record<string, unknown>, errors: FieldErrors): string | undefined {
  const value = root['url'];
  if (value === undefined) errors['url'] = [MISSING];
  else if (value === null) errors['url'] = [NULL];
  else if (typeof value !== 'string' || !/^https?:$/.test(parseUrl(value)?.protocol ?? '')) errors['url'] = ['Not a valid URL.'];
  else return value;
  return undefined;
}

function validateEvents(root: Record<string, unknown>, errors: FieldErrors): string[] | undefined {
  const value = root['events'];
  if (value === undefined) errors['events'] = [MISSING];
  else if (value === null) errors['events'] = [NULL];
  else if (!Array.isArray(value)) errors['events'] = ['Not a valid list.'];
  else if (value.length === 0) errors['events'] = ['Shorter than minimum length 1.'];
  else {
    const itemErrors: FieldErrors = {};
    const names = new Set<string>();
    value.forEach((item: unknown, i) => {
      if (typeof item !== 'string') itemErrors[String(i)] = ['Not a valid string.'];
      else {
        const expanded = expandBondEvents(item);
        if (expanded.length === 0) itemErrors[String(i)] = [`Unknown event: ${item}.`];
        for (const name of expanded) names.add(name);
      }
    });
    if (Object.keys(itemErrors).length > 0) errors['events'] = itemErrors;
    else return BOND_WEBHOOK_EVENTS.filter((name) => names.has(name));
  }
  return undefined;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** The applicant as webhook copies carry it: `street1`, `phone`, `phone_country_code`, a masked SSN, `""` for no middle name. */
export type BondWebhookApplicantDto = Omit<BondApplicantDto, 'street'> & {
  street1: string | null;
  phone: string | null;
  phone_country_code: string | null;
};

export interface BondAdverseActionDto {
  id: string;
  application_id: string;
  date_created: string;
  date_updated: string;
  service: string;
  reasons: string[];
}

export type BondWebhookApplicationDto = Omit<BondApplicationDto, 'applicant'> & {
  applicant: BondWebhookApplicantDto;
  adverse_action?: BondAdverseActionDto;
};

export interface BondCreditEventBody {
  event: BondCreditEvent;
  /** ISO-8601 with `+00:00`; the adverse_action event has `sent_time` (no offset) instead. */
  occurred_at?: string;
  sent_time?: string;
  details: { resource: 'credit.application'; data: BondWebhookApplicationDto };
}

/**
 * One credit.application event body. `when` is a Bond timestamp (`…Z`); `rawSsn` the customer's SSN,
 * masked to its last four digits; `submitted` reports the status Bond's docs show in that event.
 */
export function bondCreditEventBody(
  event: BondCreditEvent,
  app: BondApplicationDto,
  when: string,
  rawSsn: string | undefined,
  adverseAction?: BondAdverseActionDto,
): BondCreditEventBody {
  const { street, ...applicant } = structuredClone(app.applicant);
  const data: BondWebhookApplicationDto = {
    ...structuredClone(app),
    application_status: event === 'credit.application.submitted' ? 'submitted' : app.application_status,
    applicant: {
      ...applicant,
      street1: street,
      middle_name: applicant.middle_name ?? '',
      ssn: rawSsn ? `XXXXX${rawSsn.replace(/\D/g, '').slice(-4)}` : applicant.ssn,
      phone: null,
      phone_country_code: null,
    },
    ...(adverseAction ? { adverse_action: { ...adverseAction, reasons: [...adverseAction.reasons] } } : {}),
  };
  const details = { resource: 'credit.application' as const, data };
  // The adverse_action example in Bond's docs is dated by a naive `sent_time`, the others by `occurred_at`.
  return event === 'credit.application.adverse_action'
    ? { event, sent_time: when.replace(/Z$/, ''), details }
    : { event, occurred_at: when.replace(/Z$/, '+00:00'), details };
}
