/**
 * Moves a tenant's open jobs between the daily feed and LinkedIn's Job Posting API after an admin changes the posting
 * channel (settings.channelSwitch). Each pass looks at every open job, takes its next step (domain/apiChannel.ts:
 * queue CREATE or CLOSE, or put it back on the feed), and ends the switch once no job is left to move, telling the
 * admins. Every step is stored on the job row before anything else happens, so a crash or a second instance loses
 * nothing and repeats nothing: the next pass simply sees where each job stands.
 */
import { AppError } from '../domain/errors';
import { applySwitchStep, switchStep, type SwitchProgress } from '../domain/apiChannel';
import type { ApiPostingWaker, ChannelSwitch } from '../domain/jobPosting';
import type { TenantSettings } from '../domain/settings';
import type { Logger } from '../logger';
import type { Notifier } from '../notifications/notifier';
import type { JobStore } from '../storage/jobStore';
import type { SettingsStore } from '../storage/settingsStore';
import type { TenantRegistry } from '../storage/tenantRegistry';
import type { Notice } from '../shared/types';
import { PollingWorker, forEachTenant } from '../workers/pollingWorker';

export interface ChannelSwitchDeps {
  jobs: JobStore;
  settings: SettingsStore;
  waker: ApiPostingWaker;
  notifier: Notifier;
  /** ADMIN_AAD_IDS that apply to this tenant (told as well as the admins named in settings). */
  bootstrapAdmins: (tenantId: string) => readonly string[];
  logger: Logger;
  now?: () => Date;
}

/** The audit log names this actor for a switch the bot ends itself. */
const SWITCH_ACTOR = { aadObjectId: 'attract-bot', name: 'LinkedIn jobs bot' };

export function describeSwitch(change: ChannelSwitch): string {
  return `${change.from} → ${change.to} (${change.startedAt})`;
}

export class ChannelSwitchService {
  private readonly running = new Map<string, Promise<SwitchProgress | undefined>>();
  private readonly now: () => Date;

  constructor(private readonly deps: ChannelSwitchDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** One pass for the tenant; concurrent calls in this process share it. Undefined when no switch is under way. */
  advance(tenantId: string): Promise<SwitchProgress | undefined> {
    const existing = this.running.get(tenantId);
    if (existing) return existing;
    const run = this.pass(tenantId).finally(() => this.running.delete(tenantId));
    this.running.set(tenantId, run);
    return run;
  }

  private async pass(tenantId: string): Promise<SwitchProgress | undefined> {
    const settings = await this.deps.settings.get(tenantId);
    const change = settings.channelSwitch;
    if (!change) return undefined;
    const progress: SwitchProgress = { pending: 0, refused: 0 };
    let queued = false;
    for await (const job of this.deps.jobs.streamTenant(tenantId, { states: ['queued', 'in_feed', 'posted'] })) {
      let step = switchStep(job, change.to);
      if (step.kind === 'queue' || step.kind === 'move') {
        try {
          const saved = await this.deps.jobs.update(applySwitchStep(job, step, this.now()));
          queued ||= step.kind === 'queue';
          step = switchStep(saved, change.to);
        } catch (error) {
          // Someone changed the job meanwhile (an edit, the sender): the next pass sees it as it is now.
          if (!(error instanceof AppError && error.code === 'JOB_CONFLICT')) throw error;
          step = { kind: 'wait' };
        }
      }
      if (step.kind === 'done') continue;
      progress.pending++;
      if (step.kind === 'wait' && step.refused) progress.refused++;
    }
    if (queued) this.deps.waker.wake(tenantId);
    if (progress.pending === 0) await this.finish(settings, change);
    return progress;
  }

  /** Ends the switch (unless an admin changed the settings meanwhile) and tells the admins, once per switch. */
  private async finish(settings: TenantSettings, change: ChannelSwitch): Promise<void> {
    const { tenantId, etag, updatedAt: _updatedAt, ...stored } = settings;
    try {
      await this.deps.settings.save({
        tenantId, etag, settings: { ...stored, channelSwitch: undefined },
        changes: [{ field: 'channelSwitch', old: describeSwitch(change), new: '' }],
        by: SWITCH_ACTOR, at: this.now()
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'SETTINGS_CONFLICT') return; // the next pass looks again
      throw error;
    }
    const admins = [...new Set([...this.deps.bootstrapAdmins(tenantId), ...settings.admins.map((p) => p.aadObjectId)])];
    const notices: Notice[] = admins.map((aadObjectId) => ({
      tenantId,
      key: `channel-switch-done:${change.startedAt}:${change.to}:${aadObjectId}`,
      to: { kind: 'user', aadObjectId },
      message: { kind: 'notice', data: { key: change.to === 'api' ? 'channel.switchDone.api' : 'channel.switchDone.feed', tone: 'good' } }
    }));
    if (notices.length > 0) await this.deps.notifier.enqueue(notices);
    this.deps.logger.info('posting channel switch finished', { tenantId, to: change.to });
  }
}

/** Every process runs this pass; the job rows' ETags make concurrent passes safe. */
export class ChannelSwitchPass extends PollingWorker {
  constructor(
    private readonly deps: { tenants: TenantRegistry; settings: { get(tenantId: string): Promise<TenantSettings> }; service: ChannelSwitchService; logger: Logger; now?: () => Date },
    intervalMs = 60_000
  ) {
    super({ name: 'channelSwitch', intervalMs, now: deps.now, logger: deps.logger });
  }

  protected async pass(): Promise<void> {
    await forEachTenant(
      { tenants: this.deps.tenants, logger: this.deps.logger, stopping: () => this.stopping, onTenant: () => this.touch(), what: 'channel switch' },
      async (tenantId) => {
        if ((await this.deps.settings.get(tenantId)).channelSwitch) await this.deps.service.advance(tenantId);
      }
    );
  }
}

/** Until the API sender is wired in, waking it does nothing: the queued job rows wait for it. */
export const idleWaker: ApiPostingWaker = { wake: () => undefined };
