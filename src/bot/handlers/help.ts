import { t } from '../../i18n/strings';
import type { MessageHandler } from '../types';
import { helpCard } from '../views';

export const showHelp: MessageHandler = (_deps, caller) => Promise.resolve({ card: helpCard(caller.language) });

export const fallback: MessageHandler = (_deps, caller) => Promise.resolve({ text: t(caller.language, 'fallback') });
