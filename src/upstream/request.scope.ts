/** What one GraphQL operation imposes on every upstream call it makes. */
export interface RequestScope {
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** Epoch ms: waiting for rate-limit slots past this fails the call with RATE_LIMITED. */
  deadline?: number;
}
