/**
 * OpenTelemetry, all in one place. With `APPLICATIONINSIGHTS_CONNECTION_STRING` set, `startTelemetry` hands traces
 * and metrics to Application Insights through @azure/monitor-opentelemetry; without it nothing is exported and the
 * calls below cost next to nothing (the API's no-op tracer and meter).
 *
 * Spans: `bot.turn` (one per incoming activity), `linkedin.push` (a push received), `linkedin.export` (an export
 * fetched from LinkedIn and turned into notices), `feed.build`, `outbox.deliver` (one notice sent or updated).
 * Metrics: `outbox.depth` (due notices at the last look), `outbox.parked` (notices parked, by reason),
 * `teams.throttled` (429s from Teams), `linkedin.errors`, `feed.build.duration` (s), `exports.lag` (s, from the
 * push to the notices queued).
 *
 * Attributes carry ids only (tenant, activity, notice, push, build): never secrets or personal data.
 */
import { metrics, SpanStatusCode, trace, type Attributes, type Meter, type Span } from '@opentelemetry/api';
import type { Logger } from './logger';

const NAME = 'linkedin-jobs-teams-bot';

interface Instruments {
  parked: ReturnType<Meter['createCounter']>;
  throttled: ReturnType<Meter['createCounter']>;
  linkedInErrors: ReturnType<Meter['createCounter']>;
  feedBuildSeconds: ReturnType<Meter['createHistogram']>;
  exportLagSeconds: ReturnType<Meter['createHistogram']>;
}

let instruments: Instruments | undefined;
const outboxDepth = new Map<string, number>();

/** Creates the instruments on `meter` (the global meter once Azure Monitor is set up; any meter in tests). */
export function useMeter(meter: Meter = metrics.getMeter(NAME)): void {
  instruments = {
    parked: meter.createCounter('outbox.parked', { description: 'Notices parked (not delivered), by reason' }),
    throttled: meter.createCounter('teams.throttled', { description: '429 answers from Teams' }),
    linkedInErrors: meter.createCounter('linkedin.errors', { description: 'Failed LinkedIn API calls' }),
    feedBuildSeconds: meter.createHistogram('feed.build.duration', { unit: 's', description: 'Feed build time' }),
    exportLagSeconds: meter.createHistogram('exports.lag', { unit: 's', description: 'From a LinkedIn push to its notices queued' })
  };
  meter.createObservableGauge('outbox.depth', { description: 'Due notices at the last look, per tenant' }).addCallback((result) => {
    for (const [tenantId, depth] of outboxDepth) result.observe(depth, { tenant: tenantId });
  });
}

/** Exports to Application Insights when a connection string is given; returns the shutdown (flush) function. */
export async function startTelemetry(connectionString: string | undefined, logger: Logger): Promise<() => Promise<void>> {
  if (!connectionString) return () => Promise.resolve();
  const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
  useMeter();
  logger.info('telemetry: traces and metrics go to Application Insights');
  return () => shutdownAzureMonitor();
}

/** Runs `work` in a span named `name` (given to it, for attributes known at the end); an error marks it failed. */
export function traced<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span from now until `response` has been sent (for routes whose handler is not wrapped). */
export function spanUntilFinished(name: string, attributes: Attributes, response: { once(event: 'finish' | 'close', listener: () => void): unknown; statusCode: number }): void {
  const span = trace.getTracer(NAME).startSpan(name, { attributes });
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  response.once('finish', end);
  response.once('close', end);
}

export const measure = {
  outboxDepth(tenantId: string, depth: number): void {
    if (depth > 0) outboxDepth.set(tenantId, depth);
    else outboxDepth.delete(tenantId);
  },
  noticeParked(tenantId: string, reason: string): void {
    instruments?.parked.add(1, { tenant: tenantId, reason });
  },
  teamsThrottled(tenantId: string): void {
    instruments?.throttled.add(1, { tenant: tenantId });
  },
  linkedInError(tenantId: string, retryable: boolean): void {
    instruments?.linkedInErrors.add(1, { tenant: tenantId, retryable });
  },
  feedBuilt(tenantId: string, seconds: number, outcome: string): void {
    instruments?.feedBuildSeconds.record(seconds, { tenant: tenantId, outcome });
  },
  exportLag(tenantId: string, seconds: number): void {
    instruments?.exportLagSeconds.record(seconds, { tenant: tenantId });
  }
};
