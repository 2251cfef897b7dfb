/**
 * LinkedIn's Job Status Change Notifications ("Job Status Change Notifications", Job Posting API): a job posted through
 * the API changed on LinkedIn (closed after member reports, promotion changed). One URL per tenant,
 * `/api/linkedin/job-status/<key>`, with the tenant's callback key (linkedin/callbackUrls.ts). Validated like the push
 * route: GET answers LinkedIn's endpoint validation challenge; POST checks `X-LI-Signature` over the raw bytes (the
 * tenant's client secret, or the partner's parent application's), then the body with zod. Anything verified gets a 2xx
 * (LinkedIn retries anything else), unknown types and jobs too; applying the same notification twice changes nothing.
 */
import type * as restify from 'restify';
import { z } from 'zod';
import { isChallengeCode, type PushKeyResolver } from '../linkedin/push';
import { challengeResponse } from '../linkedin/signature';
import { linkedInStatusOf, linkedInStatusSchema, type LinkedInStatus } from '../linkedin/jobPostingClient';
import type { NotificationResult } from '../linkedin/apiEngine';
import type { Logger } from '../logger';
import type { LinkedInCredentials, SettingsReader } from '../storage/settingsStore';
import { routeParam, sendJson, signedJsonBody } from './server';

export const JOB_STATUS_TYPE = 'JOB_POSTING_STATUS';

export interface JobStatusWebhookDeps {
  keys: PushKeyResolver;
  settings: Pick<SettingsReader, 'linkedInCredentials'>;
  /** The partner's parent application (LINKEDIN_CLIENT_ID/SECRET): LinkedIn registers this webhook per application. */
  parentCredentials?: LinkedInCredentials;
  apply(tenantId: string, externalJobPostingId: string, status: LinkedInStatus): Promise<NotificationResult>;
}

const notificationSchema = z
  .object({
    type: z.string().min(1).max(100),
    externalJobPostingId: z.string().min(1).max(200),
    developerApplicationUrn: z.string().max(300).optional(),
    jobPostingInfo: linkedInStatusSchema.optional()
  })
  .passthrough()
  .and(linkedInStatusSchema);

export function jobStatusRoutes(server: restify.Server, deps: JobStatusWebhookDeps | undefined, logger: Logger): void {
  const notFound = (res: restify.Response) => sendJson(res, 404, { error: 'not_found', message: 'Unknown webhook URL.' });
  const secretsOf = async (tenantId: string) => [await deps!.settings.linkedInCredentials(tenantId), deps!.parentCredentials].filter((c): c is LinkedInCredentials => c !== undefined);

  server.get('/api/linkedin/job-status/:key', async (req, res) => {
    const tenantId = deps ? await deps.keys.tenantFor(routeParam(req, 'key')) : undefined;
    if (!tenantId) return notFound(res);
    const query = new URL(req.url ?? '', 'http://localhost').searchParams;
    const challengeCode = query.get('challengeCode') ?? '';
    if (!isChallengeCode(challengeCode)) return sendJson(res, 400, { error: 'bad_request', message: 'challengeCode must be a UUID (at most 64 letters, digits and hyphens).' });
    const applicationId = query.get('applicationId');
    const [own, parent] = [await deps!.settings.linkedInCredentials(tenantId), deps!.parentCredentials];
    const signer = applicationId && applicationId === parent?.clientId ? parent : own ?? parent;
    if (!signer) return sendJson(res, 503, { error: 'not_configured', message: 'LinkedIn client credentials are not set for this tenant.' });
    sendJson(res, 200, { challengeCode, challengeResponse: challengeResponse(challengeCode, signer.clientSecret) });
  });

  server.post('/api/linkedin/job-status/:key', async (req, res) => {
    const tenantId = deps ? await deps.keys.tenantFor(routeParam(req, 'key')) : undefined;
    if (!tenantId) return notFound(res);
    const secrets = await secretsOf(tenantId);
    if (secrets.length === 0) return sendJson(res, 503, { error: 'not_configured', message: 'LinkedIn client credentials are not set for this tenant.' });
    const signed = signedJsonBody(req, res, secrets.map((c) => c.clientSecret), () => logger.warn('linkedin job status: bad signature', { tenantId }));
    if (!signed) return;
    const parsed = notificationSchema.safeParse(signed.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendJson(res, 400, { error: 'invalid_notification', message: `${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const notification = parsed.data;
    if (notification.type !== JOB_STATUS_TYPE) return sendJson(res, 200, { status: 'ignored' });
    const status = { ...linkedInStatusOf(notification.jobPostingInfo ?? {}), ...linkedInStatusOf(notification) };
    const result = await deps!.apply(tenantId, notification.externalJobPostingId, status);
    logger.info('linkedin job status: notification', { tenantId, jobId: notification.externalJobPostingId, result });
    sendJson(res, 200, { status: result });
  });
}
