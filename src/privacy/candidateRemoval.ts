/**
 * The one way candidate data leaves the bot: erasure on request, the retention period running out, and LinkedIn's
 * purge list all come here. Every card that showed the candidate is replaced in place with the reason, then every row
 * naming them is deleted (export records and their hand-overs to hiring managers, unused download links, key rows, the
 * candidate last, so that a crash part way leaves something a retry still finds), and one audit line records counts only.
 */
import { exportThread } from '../exports/exportNotice';
import type { PrivacyAuditEntry, RemovalReason } from '../domain/privacy';
import { t, type Language } from '../i18n/strings';
import type { Logger } from '../logger';
import { noticeCard } from '../bot/views';
import type { Notifier } from '../notifications/notifier';
import type { CandidateStore } from '../storage/candidateStore';
import type { ExportInbox } from '../storage/exportInbox';
import type { PrivacyStore } from '../storage/privacyStore';
import type { HandoverStore } from '../storage/handoverStore';
import { handoverThread } from '../domain/handover';
import type { Notice, RendererRegistry } from '../shared/types';

export const CANDIDATE_REMOVED_KIND = 'candidate.removed';

export function removalMessage(reason: RemovalReason): Notice['message'] {
  return { kind: CANDIDATE_REMOVED_KIND, data: reason.kind === 'retention' ? { reason: reason.kind, months: reason.months } : { reason: reason.kind } };
}

export function removalText(language: Language, data: Record<string, unknown>): string {
  switch (data.reason) {
    case 'purge':
      return t(language, 'privacy.removed.purge');
    case 'retention':
      return t(language, 'privacy.removed.retention', { months: Number(data.months) || 0 });
    case 'erasure':
      return t(language, 'privacy.removed.erasure');
    default:
      return t(language, 'privacy.removed.gone');
  }
}

/** The card every recipient sees in place of the candidate. */
export const removalRenderers = {
  [CANDIDATE_REMOVED_KIND]: (language: Language, data: Record<string, unknown>) => ({ card: noticeCard(removalText(language, data)) })
} satisfies RendererRegistry;

export interface RemovalDeps {
  candidates: CandidateStore;
  exportInbox: ExportInbox;
  notifier: Notifier;
  privacy: PrivacyStore;
  /** Hand-overs to hiring managers: their cards are replaced and their rows deleted too. */
  handovers?: HandoverStore;
  logger: Logger;
  now: () => Date;
}

export interface RemovalResult {
  candidates: number;
  /** Rows deleted (candidates, their keys, export records, download links). */
  rows: number;
}

const AUDIT_ACTION: Record<RemovalReason['kind'], PrivacyAuditEntry['action']> = { purge: 'purge', retention: 'retention', erasure: 'erasure' };

export class CandidateRemoval {
  constructor(private readonly deps: RemovalDeps) {}

  /** `by`: the admin's Entra object id, or `system` for the daily jobs. Unknown ids are skipped. */
  async remove(tenantId: string, candidateIds: readonly string[], reason: RemovalReason, by: string): Promise<RemovalResult> {
    const result: RemovalResult = { candidates: 0, rows: 0 };
    for (const id of new Set(candidateIds)) {
      const rows = await this.removeOne(tenantId, id, reason);
      if (rows === undefined) continue;
      result.candidates++;
      result.rows += rows;
    }
    if (result.candidates > 0) {
      await this.deps.privacy.audit(tenantId, { at: this.deps.now().toISOString(), action: AUDIT_ACTION[reason.kind], by, ...result });
      this.deps.logger.info('privacy: candidate data removed', { tenantId, reason: reason.kind, candidates: result.candidates, rows: result.rows });
    }
    return result;
  }

  private async removeOne(tenantId: string, id: string, reason: RemovalReason): Promise<number | undefined> {
    const { candidates, exportInbox, notifier, privacy, handovers } = this.deps;
    const candidate = await candidates.get(tenantId, id);
    if (!candidate) return undefined;
    const message = removalMessage(reason);
    let rows = 0;
    for (const link of candidate.exports) {
      await notifier.updateThread(tenantId, exportThread(link.eventId), message);
      await notifier.updateThread(tenantId, handoverThread(link.eventId), message);
      rows += (await handovers?.forget(tenantId, link.eventId)) ?? 0;
      rows += await exportInbox.forget(tenantId, link.eventId);
    }
    rows += await privacy.dropDownloadsOf(tenantId, [id]);
    rows += await candidates.remove(tenantId, id);
    return rows;
  }
}
