import { t } from '../../i18n/strings';
import type { MessageHandler } from '../types';
import { helpCard } from '../views';

export const showHelp: MessageHandler = async (_deps, caller) => ({ card: helpCard(caller.language) });

export const fallback: MessageHandler = async (_deps, caller) => ({ text: t(caller.language, 'fallback') });
