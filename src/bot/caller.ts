import { roleOf } from '../domain/settings';
import { envSettingsApplyTo, type TenancyPolicy } from '../domain/tenancy';
import type { BotDeps, Caller } from './types';

/** Who is speaking, as read from the activity: everything of a Caller but the role, which needs storage. */
export type Speaker = Omit<Caller, 'role'>;

/**
 * The caller a handler sees: their role decided from the tenant's settings, their time zone else the tenant's. The
 * deps come back too: ADMIN_AAD_IDS belong to the deployment's own tenant, so in any other they are nobody.
 */
export async function callerWithRole(deps: BotDeps, tenancy: TenancyPolicy, speaker: Speaker): Promise<{ deps: BotDeps; caller: Caller }> {
  const tenantDeps = envSettingsApplyTo(tenancy, speaker.tenantId) ? deps : { ...deps, bootstrapAdmins: [] };
  const settings = await deps.settings.get(speaker.tenantId);
  const role = roleOf(settings, speaker.aadObjectId, tenantDeps.bootstrapAdmins);
  return { deps: tenantDeps, caller: { ...speaker, timeZone: speaker.timeZone ?? settings.timeZone, role } };
}
