/** help privacy, forget candidate (erasure) and candidate data (access): the last two for admins, in a 1:1 chat. */
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { retentionMonthsOf } from '../../domain/privacy';
import { t } from '../../i18n/strings';
import type { PrivacyService } from '../../privacy/privacyService';
import type { BotDeps, Caller, CardHandler, MessageHandler } from '../types';
import { forgetCard, privacyHelpCard, subjectDataCard } from '../privacyViews';
import { requireRole } from './jobAccess';

function privacyOf(deps: BotDeps): PrivacyService {
  if (!deps.privacy) throw new Error('privacy is not wired (BotDeps.privacy)');
  return deps.privacy;
}

/** Personal data goes to an admin's 1:1 chat only. */
function requirePrivateAdmin(caller: Caller): void {
  requireRole(caller, 'admin');
  if (caller.inPersonalChat === false) throw new AppError('PRIVACY_PERSONAL_ONLY');
}

const queryOf = (match: RegExpMatchArray) => (match.groups?.query ?? '').trim().slice(0, 320);

export const showPrivacyHelp: MessageHandler = async (deps, caller) => {
  const settings = await deps.settings.get(caller.tenantId);
  return { card: privacyHelpCard(caller.language, retentionMonthsOf(settings.candidateRetentionMonths)) };
};

export const askForgetCandidate: MessageHandler = async (deps, caller, match) => {
  requirePrivateAdmin(caller);
  const query = queryOf(match);
  if (!query) return { text: t(caller.language, 'privacy.usage.forget') };
  const [people, settings] = await Promise.all([privacyOf(deps).find(caller.tenantId, query), deps.settings.get(caller.tenantId)]);
  if (people.length === 0) return { text: t(caller.language, 'privacy.none', { query }) };
  return {
    card: forgetCard({ language: caller.language, query, people, retentionMonths: retentionMonthsOf(settings.candidateRetentionMonths), timeZone: caller.timeZone ?? settings.timeZone })
  };
};

const forgetSubmit = z.object({ candidateIds: z.string().max(2000).regex(/^[A-Za-z0-9,]*$/) });

/** The confirmation: the admin check is made again here, and only the tenant's own candidates can be named. */
export const confirmForgetCandidate: CardHandler = async (deps, caller, data) => {
  requirePrivateAdmin(caller);
  const parsed = forgetSubmit.safeParse(data);
  const ids = parsed.success ? parsed.data.candidateIds.split(',').filter(Boolean) : [];
  const result = ids.length ? await privacyOf(deps).erase(caller.tenantId, ids, caller.aadObjectId) : { candidates: 0, rows: 0 };
  if (result.candidates === 0) return { text: t(caller.language, 'privacy.forget.nothing') };
  return { text: t(caller.language, 'privacy.forget.done', { count: result.candidates, rows: result.rows }) };
};

export const showCandidateData: MessageHandler = async (deps, caller, match) => {
  requirePrivateAdmin(caller);
  const query = queryOf(match);
  if (!query) return { text: t(caller.language, 'privacy.usage.data') };
  const privacy = privacyOf(deps);
  const [people, settings] = await Promise.all([privacy.find(caller.tenantId, query), deps.settings.get(caller.tenantId)]);
  if (people.length === 0) return { text: t(caller.language, 'privacy.none', { query }) };
  const link = await privacy.createDownload(caller.tenantId, people.map((person) => person.id), caller.aadObjectId);
  return {
    card: subjectDataCard({
      language: caller.language,
      query,
      people,
      retentionMonths: retentionMonthsOf(settings.candidateRetentionMonths),
      timeZone: caller.timeZone ?? settings.timeZone,
      downloadUrl: link.url,
      expiresAt: link.expiresAt
    })
  };
};
