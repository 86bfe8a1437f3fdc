import type { BondAdverseActionDto } from '../../upstream/bond/bond.dto.js';
import { toDateTime, toText } from '../value.mapper.js';
import type { AdverseAction } from './adverse-action.type.js';

export function toAdverseAction(dto: BondAdverseActionDto): AdverseAction {
  return {
    id: dto.id,
    applicationId: dto.application_id,
    service: toText(dto.service),
    reasons: dto.reasons.filter((reason): reason is string => typeof reason === 'string'),
    createdAt: toDateTime(dto.date_created),
    updatedAt: toDateTime(dto.date_updated),
  };
}
