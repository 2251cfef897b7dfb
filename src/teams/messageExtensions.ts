/**
 * The search-based message extension ("Share a job"): Teams sends `composeExtension/query` as people type in the
 * compose box and `composeExtension/selectItem` when they pick a result; the job card goes into the chat or channel.
 */
import { CardFactory, type MessagingExtensionAttachment, type MessagingExtensionResult, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { callerWithRole } from '../bot/caller';
import { AppError } from '../domain/errors';
import type { TenancyPolicy } from '../domain/tenancy';
import { t } from '../i18n/strings';
import type { Logger } from '../logger';
import { callerOf } from './activity';
import { SHARE_JOB_COMMAND, findJobsToShare, jobToShare } from '../bot/handlers/shareJob';
import { sharedJobCard, sharedJobPreview } from '../bot/shareViews';
import type { BotDeps, Caller } from '../bot/types';
import type { Job } from '../domain/job';

async function withCaller<T>(context: TurnContext, deps: BotDeps, tenancy: TenancyPolicy, work: (deps: BotDeps, caller: Caller) => Promise<T>): Promise<T> {
  const turn = await callerWithRole(deps, tenancy, callerOf(context));
  return work(turn.deps, turn.caller);
}

function resultItem(caller: Caller, job: Job): MessagingExtensionAttachment {
  const preview = sharedJobPreview(job);
  return {
    ...CardFactory.adaptiveCard(sharedJobCard(caller.language, job)),
    preview: { ...CardFactory.thumbnailCard(preview.title, preview.text), content: { title: preview.title, text: preview.text, tap: { type: 'invoke', value: { jobId: job.id } } } }
  };
}

const list = (attachments: MessagingExtensionAttachment[]): MessagingExtensionResult => ({ type: 'result', attachmentLayout: 'list', attachments });

export function registerMessageExtensions(app: Application<TurnState>, deps: BotDeps, tenancy: TenancyPolicy, logger: Logger): void {
  const failed = (context: TurnContext, error: unknown): MessagingExtensionResult => {
    const language = callerOf(context).language;
    const code = error instanceof AppError ? error.code : 'UNEXPECTED';
    if (!(error instanceof AppError)) logger.error('message extension failed', { error: (error as Error)?.message });
    return { type: 'message', text: t(language, `error.${code}`, { code, id: '' }) };
  };

  app.messageExtensions.query(SHARE_JOB_COMMAND, async (context, _state, query) => {
    try {
      // The first query (`initialRun`) has no text: it lists the newest jobs.
      const text = typeof query.parameters?.query === 'string' ? query.parameters.query : '';
      return await withCaller(context, deps, tenancy, async (tenantDeps, caller) =>
        list((await findJobsToShare(tenantDeps, caller, { text, count: query.count, skip: query.skip })).map((job) => resultItem(caller, job)))
      );
    } catch (error) {
      return failed(context, error);
    }
  });

  app.messageExtensions.selectItem(async (context, _state, item: { jobId?: unknown }) => {
    try {
      return await withCaller(context, deps, tenancy, async (tenantDeps, caller) => {
        const job = await jobToShare(tenantDeps, caller, item?.jobId);
        return job ? list([resultItem(caller, job)]) : { type: 'message', text: t(caller.language, 'share.gone') };
      });
    } catch (error) {
      return failed(context, error);
    }
  });
}
