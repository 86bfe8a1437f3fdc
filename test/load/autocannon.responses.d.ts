// autocannon's per-request response callback, which the load test uses to read each GraphQL body.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }
  }
}
export {};
