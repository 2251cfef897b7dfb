/**
 * What admins do with candidate data: find who a request is about, erase them (through CandidateRemoval, like the
 * daily jobs), and hand everything stored about them over as a JSON file behind a one-time link.
 */
import type { Candidate } from '../domain/candidate';
import { matchesPerson } from '../domain/privacy';
import { exportThread } from '../exports/exportNotice';
import type { CandidateStore } from '../storage/candidateStore';
import type { ExportInbox } from '../storage/exportInbox';
import type { OutboxStore } from '../storage/outboxStore';
import type { HandoverStore } from '../storage/handoverStore';
import { handoverThread } from '../domain/handover';
import type { PrivacyStore, PurgeCheckState } from '../storage/privacyStore';
import type { CandidateRemoval, RemovalResult } from './candidateRemoval';

export const DOWNLOAD_PATH = '/api/privacy/download';

export interface PrivacyServiceDeps {
  candidates: CandidateStore;
  exportInbox: ExportInbox;
  outbox: Pick<OutboxStore, 'inThread'>;
  privacy: PrivacyStore;
  removal: CandidateRemoval;
  /** Hand-overs to hiring managers (who got the candidate, the note, the answer). */
  handovers?: Pick<HandoverStore, 'get'>;
  now: () => Date;
  /** Where the bot is reachable (PUBLIC_BASE_URL, or the local address). */
  publicBaseUrl: () => string;
  /** How long a download link works; default an hour. */
  downloadTtlMs?: number;
}

export interface DownloadLink {
  url: string;
  expiresAt: string;
}

export class PrivacyService {
  constructor(private readonly deps: PrivacyServiceDeps) {}

  purgeState(tenantId: string): Promise<PurgeCheckState> {
    return this.deps.privacy.purgeState(tenantId);
  }

  /** Candidates of the tenant matching a name or an email. */
  async find(tenantId: string, query: string): Promise<Candidate[]> {
    const all = await this.deps.candidates.list(tenantId);
    return all.filter((candidate) => matchesPerson(candidate, query));
  }

  /** Only ids that are the tenant's own candidates count (a card's data can be forged). */
  async erase(tenantId: string, candidateIds: readonly string[], by: string): Promise<RemovalResult> {
    return this.deps.removal.remove(tenantId, candidateIds, { kind: 'erasure' }, by);
  }

  async createDownload(tenantId: string, candidateIds: readonly string[], by: string): Promise<DownloadLink> {
    const now = this.deps.now();
    const expiresAt = new Date(now.getTime() + (this.deps.downloadTtlMs ?? 3_600_000)).toISOString();
    const token = await this.deps.privacy.createDownload({ tenantId, candidateIds: [...candidateIds], by, expiresAt });
    await this.deps.privacy.audit(tenantId, { at: now.toISOString(), action: 'access', by, candidates: candidateIds.length, rows: 0 });
    return { url: `${this.deps.publicBaseUrl().replace(/\/$/, '')}${DOWNLOAD_PATH}/${token}`, expiresAt };
  }

  /** The file behind a download link, once; undefined for an unknown, used or expired link. */
  async takeDownload(token: string): Promise<{ fileName: string; body: string } | undefined> {
    const grant = await this.deps.privacy.takeDownload(token, this.deps.now());
    if (!grant) return undefined;
    const data = await this.subjectData(grant.tenantId, grant.candidateIds);
    return { fileName: `candidate-data-${data.generatedAt.slice(0, 10)}.json`, body: JSON.stringify(data, null, 2) };
  }

  /** Everything stored about these candidates: the candidate rows, their export records and the notices about them. */
  async subjectData(tenantId: string, candidateIds: readonly string[]): Promise<SubjectData> {
    const people: SubjectData['candidates'] = [];
    for (const id of candidateIds) {
      const candidate = await this.deps.candidates.get(tenantId, id);
      if (!candidate) continue;
      const { etag: _etag, ...stored } = candidate;
      const exports = [];
      const notices = [];
      const handovers = [];
      for (const link of candidate.exports) {
        const event = await this.deps.exportInbox.get(tenantId, link.eventId);
        if (event) {
          const { etag: _e, card: _card, ...record } = event;
          exports.push(record);
        }
        const handover = await this.deps.handovers?.get(tenantId, link.eventId);
        if (handover) {
          const { etag: _h, tenantId: _t, ...row } = handover;
          handovers.push(row);
        }
        for (const thread of [exportThread(link.eventId), handoverThread(link.eventId)]) {
          for (const notice of await this.deps.outbox.inThread(tenantId, thread)) {
            notices.push({ recipient: notice.to, state: notice.state, createdAt: notice.createdAt, sentAt: notice.sent?.sentAt });
          }
        }
      }
      people.push({ candidate: stored, exports, handovers, notices });
    }
    return {
      generatedAt: this.deps.now().toISOString(),
      about: 'Everything this Teams bot stores about the person: the candidate as exported from LinkedIn Recruiter, each export, each hand-over to a hiring manager, and who was told about it.',
      candidates: people
    };
  }
}

export interface SubjectData {
  generatedAt: string;
  about: string;
  candidates: { candidate: Omit<Candidate, 'etag'>; exports: Record<string, unknown>[]; handovers: Record<string, unknown>[]; notices: Record<string, unknown>[] }[];
}
