/**
 * Renderers for the feed's proactive notices, looked up by `Notice.message.kind` by the notifier's sender and called
 * in the recipient's language. Each is a small card whose button opens the job card (`job.show`).
 */
import { z } from 'zod';
import { t, type Language } from '../../i18n/strings';
import { feedNoticeCard } from '../feedViews';
import type { Reply } from '../types';

export type NoticeRenderer = (language: Language, data: Record<string, unknown>) => Reply;

/** Notice data is stored in the outbox and read back later: checked here, since the card's button needs a job id. */
const feedNoticeData = z.object({ jobId: z.string().min(1), title: z.string().optional() });

function feedNotice(kind: 'feed.in_feed' | 'feed.posted'): NoticeRenderer {
  return (language, data) => {
    const { jobId, title } = feedNoticeData.parse(data);
    return { card: feedNoticeCard(language, t(language, `notice.${kind}`, { title: title || jobId }), jobId) };
  };
}

export const feedNoticeRenderers: Readonly<Record<'feed.in_feed' | 'feed.posted', NoticeRenderer>> = {
  /** The job went into a newly built feed (queued → in feed). */
  'feed.in_feed': feedNotice('feed.in_feed'),
  /** LinkedIn downloaded the first feed holding the job (in feed → posted). */
  'feed.posted': feedNotice('feed.posted')
};
