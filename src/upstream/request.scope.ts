/** What one GraphQL operation imposes on every upstream call it makes. */
export interface RequestScope {
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** Epoch ms: waiting for rate-limit slots past this fails the call with RATE_LIMITED. */
  deadline?: number;
  /**
   * The caller whose share of a shared budget (the Bond brand key, the gateway's own Bondora token)
   * this call spends; absent when the call uses the caller's own credential.
   */
  shareOf?: string;
  /** Upstream calls the whole HTTP request may still make (shared by the operations of a batch). */
  calls?: CallAllowance;
}

/** A bound on one HTTP request's upstream calls, enforced as they are made. */
export interface CallAllowance {
  readonly max: number;
  made: number;
}
