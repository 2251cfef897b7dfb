/** Notices about a tenant's settings that admins must act on. */
import type { Notice } from './notifier';

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
