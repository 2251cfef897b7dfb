/** Notices about a tenant's settings that admins must act on. */
import type { Logger } from '../logger';
import type { Notifier } from '../notifications/notifier';
import type { Notice } from '../shared/types';

/**
 * The stored LinkedIn client secret can no longer be read (SETTINGS_ENCRYPTION_KEY changed): each admin is told
 * once per stored secret, whatever number of pushes or processes notice it.
 */
export function unreadableSecretNotices(tenantId: string, adminIds: readonly string[], secretId: string): Notice[] {
  return [...new Set(adminIds)].map((aadObjectId) => ({
    tenantId,
    key: `settings-secret-unreadable:${secretId}:${aadObjectId}`,
    to: { kind: 'user', aadObjectId },
    message: { kind: 'notice', data: { key: 'settings.secretUnreadableNotice', tone: 'attention' } }
  }));
}

/**
 * What the settings store calls when a stored secret cannot be read: logs it and tells the tenant's admins, once per
 * secret (the outbox's key makes it once across processes; the set spares the outbox a write per push).
 */
export function unreadableSecretListener(
  notifier: Notifier,
  adminsOf: (tenantId: string) => Promise<readonly string[]>,
  logger: Logger
): (tenantId: string, secretId: string) => Promise<void> {
  const told = new Set<string>();
  return async (tenantId, secretId) => {
    if (told.has(`${tenantId}|${secretId}`)) return;
    logger.error('settings: the stored LinkedIn client secret cannot be read (SETTINGS_ENCRYPTION_KEY changed?); it counts as not set', { tenantId });
    await notifier.enqueue(unreadableSecretNotices(tenantId, await adminsOf(tenantId), secretId));
    told.add(`${tenantId}|${secretId}`);
  };
}
