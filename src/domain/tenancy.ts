/**
 * Which tenants the bot serves, and which tenant the deployment's environment settings belong to. Free of I/O.
 *
 * - With BOT_ID set (authenticated traffic), every activity must come from Teams and name its tenant.
 * - ALLOWED_TENANT_IDS, when set, lists the only tenants served; others get a polite refusal and nothing is stored.
 * - Settings from the environment (ADMIN_AAD_IDS, the LinkedIn identity and credentials, LINKEDIN_FEED_TOKEN) belong
 *   to the deployment's own tenant (LINKEDIN_TENANT_ID, else BOT_TENANT_ID). Local mode (no BOT_ID and no deployment
 *   tenant: `npm start`, the Agents Playground, tests) has no such tenant, so they apply to every tenant.
 */
export interface TenancyPolicy {
  /** BOT_ID is set: activities from another channel, or without a tenant id, are dropped. */
  teamsOnly: boolean;
  /** ALLOWED_TENANT_IDS; empty: any tenant. */
  allowedTenantIds: readonly string[];
  /** LINKEDIN_TENANT_ID, else BOT_TENANT_ID. */
  deploymentTenantId?: string;
}

/** An activity without a tenant id in local mode (no BOT_ID) only; with BOT_ID such activities are refused. */
export const LOCAL_TENANT_ID = 'default';

/** Local mode: the Agents Playground and tests, where every tenant is the developer's own. */
export const LOCAL_TENANCY: TenancyPolicy = { teamsOnly: false, allowedTenantIds: [] };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether settings configured by environment apply to this tenant. */
export function envSettingsApplyTo(policy: TenancyPolicy, tenantId: string): boolean {
  if (policy.deploymentTenantId) return same(policy.deploymentTenantId, tenantId);
  return !policy.teamsOnly;
}

export function tenantAllowed(policy: TenancyPolicy, tenantId: string | undefined): boolean {
  if (policy.allowedTenantIds.length === 0) return true;
  return tenantId !== undefined && policy.allowedTenantIds.some((allowed) => same(allowed, tenantId));
}

/** Why an activity is not served: dropped silently (not Teams, no tenant) or refused politely (tenant not allowed). */
export type Refusal = { kind: 'drop'; reason: 'not_teams' | 'no_tenant' } | { kind: 'refuse'; reason: 'tenant_not_allowed' };

export function refusalFor(policy: TenancyPolicy, activity: { channelId?: string; tenantId?: string }): Refusal | undefined {
  if (policy.teamsOnly && activity.channelId !== 'msteams') return { kind: 'drop', reason: 'not_teams' };
  if (policy.teamsOnly && !activity.tenantId) return { kind: 'drop', reason: 'no_tenant' };
  if (!tenantAllowed(policy, activity.tenantId ?? LOCAL_TENANT_ID)) return { kind: 'refuse', reason: 'tenant_not_allowed' };
  return undefined;
}
