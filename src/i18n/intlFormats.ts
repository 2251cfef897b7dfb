import type { Language } from './strings';

/**
 * Shared Intl formatters. Making one costs about a tenth of a millisecond (ICU loads the locale's patterns), using one
 * costs almost nothing, and they hold no state: one per locale and options, for the life of the process. An unknown time
 * zone throws and is not kept.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
/** Intl accepts a zone name in any mix of cases: past this many, formatters are made and not kept. */
const KEPT = 2_000;

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    if (dateTimeFormats.size < KEPT) dateTimeFormats.set(key, format);
  }
  return format;
}

export function numberFormat(locale: string): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    if (numberFormats.size < KEPT) numberFormats.set(locale, format);
  }
  return format;
}

/** The locale the bot formats dates and numbers in for a language. */
export function localeOf(language: Language): string {
  return language === 'nb' ? 'nb-NO' : 'en-GB';
}

/** A date and time as people read them, in their language and time zone. */
export function dateText(language: Language, iso: string, timeZone = 'UTC'): string {
  return dateTimeFormat(localeOf(language), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}
