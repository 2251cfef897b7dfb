import { AppError, errorCodeOf } from '../domain/errors';
import { t } from '../i18n/strings';
import type { Logger } from '../logger';
import type { Speaker } from './caller';

/** What the speaker is told when a handler fails: the coded error's sentence, logged at the level it deserves. */
export function userMessageFor(error: unknown, caller: Speaker, logger: Logger): string {
  if (error instanceof AppError) {
    logger.info('user error', { code: error.code, detail: error.detail });
    return t(caller.language, `error.${error.code}`, { id: error.detail ?? '', code: error.code });
  }
  const code = isStorageDown(error) ? 'STORAGE_UNAVAILABLE' : errorCodeOf(error);
  logger.error('handler failed', { code, error: (error as Error)?.message });
  return t(caller.language, `error.${code}`, { code });
}

function isStorageDown(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ENOTFOUND' || code === 'ECONNRESET';
}
