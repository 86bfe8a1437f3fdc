import type { EventsReport, FanOutReport, WebhookEndpointReport } from './bench.table.js';
import { cpuMeter } from './cpu.meter.js';
import { summarize } from './latency.stats.js';
import { rssBytes } from './machine.info.js';
import { driveFixedRate } from './rate.driver.js';
import { SubscriberPool } from './subscriber.pool.js';
import { AuctionDeliveries, BONDORA_WEBHOOK_PATH, postDelivery, type BondoraWebhookKey, type DeliveryAnswer, type PreparedDelivery } from './webhook.client.js';

// Rows W1 and W2: live events through the gateway, from a signed Bondora webhook to graphql-ws
// subscribers, all in this process so that the webhook's answer and every receipt are stamped on
// one clock (performance.now()).
//
// W1: the subscribers connect and subscribe; priming webhooks are sent until every one of them has
// received an event (graphql-ws does not acknowledge a subscribe, so a received event is the only
// proof its subscription is in place). Then webhooks at a fixed rate, each with a new auction; for
// every timed one, each subscriber's receipt minus the moment the webhook's 2xx answer was read.
// W2: the subscribers are gone; webhooks open loop at a fixed rate, each POST timed until its answer
// is read. At W2's rate, every delivery reaching 1,000 subscribers would be 200,000 messages a
// second: a fan-out capacity test on this machine, not the receiver's latency that W2 is about.

export interface EventsProbeOptions {
  gatewayUrl: string;
  key: BondoraWebhookKey;
  subscribers: { sockets: number; perSocket: number };
  fanOut: { ratePerSecond: number; measureMs: number };
  endpoint: { ratePerSecond: number; measureMs: number };
  leadInMs: number;
  p99TargetMs: number;
  /** Processes whose CPU is metered; must include `gateway`. */
  pids: Record<string, number> & { gateway: number };
  /** The simulators' request logs: cleared before a row, counted after it. */
  upstream: { clear(): Promise<void>; count(): Promise<number> };
  notes: string[];
  progress(message: string): void;
}

/** How long priming may take before the row is measured with whoever is subscribed by then. */
const PRIMING_TIMEOUT_MS = 30_000;
/** How long receipts may still arrive after the last webhook was answered. */
const RECEIPT_DRAIN_MS = 5_000;

const accepted = (answer: DeliveryAnswer) => answer.status >= 200 && answer.status < 300;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureLiveEvents(o: EventsProbeOptions): Promise<EventsReport> {
  const receiver = `${o.gatewayUrl}${BONDORA_WEBHOOK_PATH}`;
  const deliveries = new AuctionDeliveries();
  const post = (delivery: PreparedDelivery) => postDelivery(receiver, o.key, delivery);
  const count = (ratePerSecond: number, measureMs: number) => Math.ceil((ratePerSecond * (o.leadInMs + measureMs)) / 1000) + 1;

  const { sockets, perSocket } = o.subscribers;
  const seconds = (ms: number) => `${ms / 1000} s`;
  o.notes.push(
    `Rows W1 and W2: signed Bondora \`auction.published\` webhooks (HTTP Signature with this run's key, each with a new auction and EventId) POSTed by this process to ${BONDORA_WEBHOOK_PATH}; the receiver answers once the event is in the log. ` +
      `W1: ${(sockets * perSocket).toLocaleString('en-US')} graphql-ws subscriptions to \`auctionPublished { cursor auction { id } }\` over ${sockets} sockets (${perSocket} each), all proven live by a priming webhook, then ${o.fanOut.ratePerSecond} webhooks/s for ${seconds(o.fanOut.measureMs)} after a ${seconds(o.leadInMs)} lead-in; latency is each subscriber's receipt minus the moment this process had read the webhook's 2xx answer (and minus the moment it was sent), over every (event, subscriber) pair, all stamped on this process's clock. ` +
      `W2: the subscriptions closed first (at ${o.endpoint.ratePerSecond}/s, fanning every event out to them would be a capacity test, not the receiver's latency); ${o.endpoint.ratePerSecond} webhooks/s open loop for ${seconds(o.endpoint.measureMs)} after a ${seconds(o.leadInMs)} lead-in, each timed from before it was signed until its answer was read.`,
  );
  const rssBefore = rssBytes(o.pids.gateway);
  const opening = performance.now();
  const pool = await SubscriberPool.open(o.gatewayUrl, o.subscribers.sockets, o.subscribers.perSocket);
  let fanOut: FanOutReport;
  try {
    fanOut = await measureFanOut();
  } finally {
    await pool.close();
  }
  // The gateway ends 1,000 subscriptions and closes their sockets before W2 starts.
  await sleep(1_000);
  o.progress('row W1 done');
  const endpoint = await measureEndpoint();
  o.progress('row W2 done');
  return { fanOut, endpoint };

  async function measureFanOut(): Promise<FanOutReport> {
    const { ratePerSecond, measureMs } = o.fanOut;
    let primers = 0;
    const primingEnds = performance.now() + PRIMING_TIMEOUT_MS;
    while (pool.established < pool.size && performance.now() < primingEnds) {
      const answer = await post(deliveries.prepare(1)[0]!);
      primers += 1;
      if (!accepted(answer)) throw new Error(`a priming webhook was answered HTTP ${answer.status}: is the gateway's Bondora key the bench's?`);
      await pool.until(() => pool.established === pool.size, 250);
    }
    const rssLive = rssBytes(o.pids.gateway);
    o.notes.push(
      `Row W1: ${pool.established.toLocaleString('en-US')} of ${pool.size.toLocaleString('en-US')} subscriptions had received a priming webhook ${((performance.now() - opening) / 1000).toFixed(1)} s after the sockets started opening (${primers} priming webhook${primers === 1 ? '' : 's'}); gateway RSS ${mib(rssBefore)} before the sockets opened, ${mib(rssLive)} with them all subscribed.`,
    );
    o.progress(`${pool.established} of ${pool.size} subscriptions live`);

    const prepared = deliveries.prepare(count(ratePerSecond, measureMs));
    const answers = new Map<string, DeliveryAnswer>();
    let posted = 0;
    await o.upstream.clear();
    const usage = cpuMeter(o.pids);
    const result = await driveFixedRate({
      ratePerSecond,
      leadInMs: o.leadInMs,
      measureMs,
      tasks: [
        {
          name: 'webhook',
          run: async (n, recorded) => {
            const delivery = prepared[n]!;
            // Awaited before it is sent: a receipt can come before this process reads the answer.
            if (recorded) pool.expect(delivery.auctionId);
            posted += 1;
            const answer = await post(delivery);
            if (!accepted(answer)) throw new Error(`HTTP ${answer.status}`);
            if (recorded) answers.set(delivery.auctionId, answer);
          },
        },
      ],
    });
    const drained = await pool.until(() => pool.missing === 0, RECEIPT_DRAIN_MS);
    const cpu = usage();
    const upstreamCalls = await o.upstream.count();

    const afterAnswer: number[] = [];
    const afterSend: number[] = [];
    for (const [auctionId, answer] of answers) {
      for (const at of pool.receiptsOf(auctionId)) {
        afterAnswer.push(at - answer.answeredAt);
        afterSend.push(at - answer.sentAt);
      }
    }
    const samples = result.byTask.get('webhook')!;
    const expectedPairs = samples.sent * pool.size;
    const receivedPairs = expectedPairs - pool.missing;
    if (samples.firstError) o.notes.push(`Row W1: ${samples.errors} webhooks were not accepted, the first with: ${samples.firstError}`);
    if (!drained) o.notes.push(`Row W1: ${pool.missing.toLocaleString('en-US')} (event, subscriber) pairs had not arrived ${RECEIPT_DRAIN_MS / 1000} s after the last webhook was answered.`);
    if (pool.problems > 0) o.notes.push(`Row W1: ${pool.problems} subscription problems, the first: ${pool.firstProblem}`);
    const early = afterAnswer.filter((ms) => ms < 0).length;
    if (early > 0) {
      o.notes.push(
        `Row W1: ${early.toLocaleString('en-US')} of ${afterAnswer.length.toLocaleString('en-US')} receipts came before this process had read the webhook's answer (the gateway writes the answer and the events in the same turn of its event loop); they count with their negative latency.`,
      );
    }
    o.notes.push(`Row W1: load generator dispatch lag p99 ${result.dispatchLagP99Ms.toFixed(1)} ms; CPU while measuring (lead-in and receipt drain included), % of one core: ${cpu.text}.`);
    return {
      subscribers: pool.size,
      sockets: pool.sockets,
      ratePerSecond,
      events: samples.sent,
      afterAnswer: summarize(afterAnswer),
      afterSend: summarize(afterSend),
      expectedPairs,
      receivedPairs,
      failedDeliveries: samples.sent - answers.size,
      upstreamCalls,
      target: { p99Ms: o.p99TargetMs },
      cpu: cpu.text,
      othersPct: cpu.othersPct,
      gatewayCpuMsPerEvent: (1000 * (cpu.seconds.gateway ?? Number.NaN)) / posted,
    };
  }

  async function measureEndpoint(): Promise<WebhookEndpointReport> {
    const { ratePerSecond, measureMs } = o.endpoint;
    const prepared = deliveries.prepare(count(ratePerSecond, measureMs));
    let posted = 0;
    let non2xx = 0;
    await o.upstream.clear();
    const usage = cpuMeter(o.pids);
    const result = await driveFixedRate({
      ratePerSecond,
      leadInMs: o.leadInMs,
      measureMs,
      tasks: [
        {
          name: 'webhook',
          run: async (n, recorded) => {
            posted += 1;
            const answer = await post(prepared[n]!);
            if (accepted(answer)) return;
            if (recorded) non2xx += 1;
            throw new Error(`HTTP ${answer.status}`);
          },
        },
      ],
    });
    const cpu = usage();
    const upstreamCalls = await o.upstream.count();
    const samples = result.byTask.get('webhook')!;
    if (samples.firstError) o.notes.push(`Row W2: ${samples.errors} webhooks were not accepted, the first with: ${samples.firstError}`);
    o.notes.push(`Row W2: load generator dispatch lag p99 ${result.dispatchLagP99Ms.toFixed(1)} ms; CPU while measuring (lead-in included), % of one core: ${cpu.text}.`);
    return {
      ratePerSecond,
      latency: summarize(samples.latenciesMs),
      sent: samples.sent,
      non2xx,
      unanswered: samples.sent - samples.latenciesMs.length - non2xx,
      subscribersConnected: 0,
      upstreamCalls,
      target: { p99Ms: o.p99TargetMs },
      cpu: cpu.text,
      othersPct: cpu.othersPct,
      gatewayCpuMsPerDelivery: (1000 * (cpu.seconds.gateway ?? Number.NaN)) / posted,
    };
  }
}
