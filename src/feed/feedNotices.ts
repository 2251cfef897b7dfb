/**
 * Renderers for the feed's proactive notices, looked up by `Notice.message.kind` by the notifier's sender and called
 * in the recipient's language. Each is a small card whose button opens the job card (`job.show`).
 */
import { z } from 'zod';
import { t, type Language } from '../i18n/strings';
import { feedNoticeCard, zonedTime } from '../bot/feedViews';
import type { RendererRegistry } from '../shared/types';

/** Notice data is stored in the outbox and read back later: checked here, since the card's button needs a job id. */
const feedNoticeData = z.object({
  jobId: z.string().min(1),
  title: z.string().optional(),
  /** ISO time LinkedIn is expected to read the feed next (a day after its last download), when known. */
  nextDownloadHint: z.string().datetime().optional()
});

/** The renderer does not know the recipient's time zone, so the expected download is given in UTC, and says so. */
function feedNotice(kind: 'feed.in_feed' | 'feed.posted') {
  return (language: Language, data: Record<string, unknown>) => {
    const { jobId, title, nextDownloadHint } = feedNoticeData.parse(data);
    const sentences = [t(language, `notice.${kind}`, { title: title || jobId })];
    if (kind === 'feed.in_feed' && nextDownloadHint) {
      sentences.push(t(language, 'notice.feed.nextDownload', { time: zonedTime(language, nextDownloadHint, 'UTC') }));
    }
    return { card: feedNoticeCard(language, sentences.join(' '), jobId) };
  };
}

export const feedNoticeRenderers = {
  /** The job went into a newly built feed (queued → in feed). */
  'feed.in_feed': feedNotice('feed.in_feed'),
  /** LinkedIn downloaded the first feed holding the job (in feed → posted). */
  'feed.posted': feedNotice('feed.posted')
} satisfies RendererRegistry;
