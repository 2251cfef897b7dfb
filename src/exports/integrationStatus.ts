/**
 * INTEGRATION_STATUS_CHANGE: LinkedIn says a customer's integration changed state. We ask LinkedIn what it is now
 * (`GET /v2/atsIntegrations?q=request&requestId=…`), store it as the tenant's Recruiter System Connect status (with an
 * audit line by "LinkedIn"), and tell the tenant's admins in words. LinkedIn documents the answer loosely: an
 * integration is read as enabled from `enabled: true` or a status such as ENABLED; other states by their names.
 */
import { RSC_STATUSES, type RscStatus, type TenantSettings } from '../domain/settings';
import type { StoredSettings } from '../domain/settingsForm';
import { AppError } from '../domain/errors';
import type { AtsIntegration } from '../linkedin/client';
import type { Notifier } from '../notifications/notifier';
import { isSettingsStore, type SettingsReader } from '../storage/settingsStore';
import type { Notice } from '../shared/types';

const ONE_CLICK_EXPORT = 'ONE_CLICK_EXPORT';

const STATUS_WORDS: Record<string, RscStatus> = {
  ENABLED: 'enabled',
  ACTIVE: 'enabled',
  PARTNER_READY: 'partner_ready',
  READY: 'partner_ready',
  REQUESTED: 'requested',
  PENDING: 'requested',
  PENDING_ENABLEMENT: 'requested',
  DISABLED: 'not_connected',
  NOT_CONNECTED: 'not_connected',
  REVOKED: 'not_connected',
  DELETED: 'not_connected'
};

export interface ReportedStatus {
  /** Our state, when LinkedIn's answer maps onto one. */
  status?: RscStatus;
  /** What LinkedIn said, for the admins' notice when it maps onto nothing we know. */
  reported: string;
}

/** The one-click export integration of this organization (or the only one LinkedIn named), read as our state. */
export function reportedRscStatus(integrations: readonly AtsIntegration[], organizationUrn: string): ReportedStatus | undefined {
  const ours = integrations.filter((i) => !i.integrationContext || i.integrationContext === organizationUrn);
  const integration = ours.find((i) => i.integrationType === ONE_CLICK_EXPORT) ?? ours[0];
  if (!integration) return undefined;
  const word = (integration.status ?? integration.integrationStatus ?? '').trim().toUpperCase();
  if (word && STATUS_WORDS[word]) return { status: STATUS_WORDS[word], reported: word };
  if (integration.enabled !== undefined) return { status: integration.enabled ? 'enabled' : 'not_connected', reported: integration.enabled ? 'ENABLED' : 'DISABLED' };
  return { reported: word || 'UNKNOWN' };
}

const LINKEDIN_ACTOR = { aadObjectId: 'linkedin', name: 'LinkedIn' };

/** Stores the new status (ETag-checked; retried when an admin saved at the same moment). Unchanged: nothing written. */
export async function storeRscStatus(settings: SettingsReader, tenantId: string, status: RscStatus, bootstrapAdmins: readonly string[], at: Date): Promise<void> {
  if (!isSettingsStore(settings)) return; // a deployment configured by environment keeps its status in the environment
  for (let attempt = 0; ; attempt++) {
    const current = await settings.get(tenantId);
    if (current.rsc.status === status) return;
    try {
      await settings.save({
        tenantId,
        etag: current.etag,
        settings: { ...storedPart(current, bootstrapAdmins), rsc: { ...current.rsc, status } },
        changes: [{ field: 'rsc.status', old: current.rsc.status, new: status }],
        by: LINKEDIN_ACTOR,
        at
      });
      return;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'SETTINGS_CONFLICT') || attempt >= 4) throw error;
    }
  }
}

function storedPart(settings: TenantSettings, bootstrapAdmins: readonly string[]): StoredSettings {
  const { tenantId: _tenantId, etag: _etag, updatedAt: _updatedAt, ...stored } = settings;
  return { ...stored, admins: settings.admins.filter((admin) => !bootstrapAdmins.includes(admin.aadObjectId)) };
}

/** One notice per admin, keyed by the event: told once, even when the event is worked on again. */
export function rscStatusNotices(tenantId: string, eventId: string, settings: TenantSettings, bootstrapAdmins: readonly string[], reported: ReportedStatus): Notice[] {
  const admins = [...new Set([...bootstrapAdmins, ...settings.admins.map((admin) => admin.aadObjectId)])];
  const key = reported.status && RSC_STATUSES.includes(reported.status) ? `rsc.statusChanged.${reported.status}` : 'rsc.statusChanged.unknown';
  return admins.map((aadObjectId) => ({
    tenantId,
    key: `rsc-status:${eventId}:${aadObjectId}`,
    to: { kind: 'user', aadObjectId },
    message: { kind: 'notice', data: { key, params: { status: reported.reported }, tone: reported.status === 'enabled' ? 'good' : 'attention' } }
  }));
}

export async function tellAdmins(notifier: Notifier, notices: Notice[]): Promise<void> {
  if (notices.length > 0) await notifier.enqueue(notices);
}
