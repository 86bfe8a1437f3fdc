import DataLoader from 'dataloader';
import type { BondClient } from '../upstream/bond/bond.client.js';
import type { BondAdverseActionDto, BondApplicationDto } from '../upstream/bond/bond.dto.js';
import { mapSettledLimit } from './concurrency.js';
import { BATCHING, idLoaderOptions, type LoaderSettings } from './loader.options.js';
import { nullIfNotFound } from './not-found.js';

/**
 * Bond has no bulk get: distinct ids are fetched one by one, all at once. What protects Bond is
 * the HTTP layer's rate budget and connection pool, not a width chosen here (a fixed 8 made 20 ids
 * take three round trips where Bond's 1000 a minute allow one).
 */
const allAtOnce = <T, R>(ids: readonly T[], fn: (id: T) => Promise<R>) => mapSettledLimit(ids, ids.length, fn);

export class BondLoaders {
  readonly application: DataLoader<string, BondApplicationDto | null>;
  /** By application id; null when Bond has none (its 404). */
  readonly adverseAction: DataLoader<string, BondAdverseActionDto | null>;

  constructor(client: BondClient, settings: LoaderSettings = BATCHING) {
    this.application = new DataLoader(
      (ids) => allAtOnce(ids, (id) => nullIfNotFound(client.getApplication(id))),
      idLoaderOptions(settings),
    );
    this.adverseAction = new DataLoader(
      (ids) => allAtOnce(ids, (id) => nullIfNotFound(client.getAdverseAction(id))),
      idLoaderOptions(settings),
    );
  }

  primeApplications(applications: readonly BondApplicationDto[]): void {
    for (const application of applications) this.application.prime(application.application_id, application);
  }

  /** A write returns the new state: later reads in the request must see it, not the cached one. */
  replaceApplication(application: BondApplicationDto): void {
    this.application.clear(application.application_id).prime(application.application_id, application);
    // A submit can end in a denial, and with it an adverse action.
    this.adverseAction.clear(application.application_id);
  }
}
