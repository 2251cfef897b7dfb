/**
 * Text safety for LinkedIn's XML job feed: every value goes out as CDATA, holds only characters XML 1.0 allows,
 * and the description keeps only the HTML LinkedIn renders.
 */

/** Everything outside XML 1.0's `Char` production (https://www.w3.org/TR/xml/#charsets); with the `u` flag a lone surrogate is one code point, so it matches too. */
const FORBIDDEN_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Drops characters XML 1.0 forbids and turns CR / CRLF into LF. A parser normalises line ends anyway
 * (https://www.w3.org/TR/xml/#sec-line-ends), so doing it here makes the sanitised text exactly what LinkedIn reads.
 */
export function sanitizeText(value: string | undefined): string {
  return (value ?? '').replace(FORBIDDEN_XML_CHARS, '').replace(/\r\n?/g, '\n');
}

/**
 * The contents of the CDATA sections that hold `value`: sanitised, and split at each `]]>` (between `]]` and `>`)
 * so that no section can be ended early by the text.
 */
export function cdataPieces(value: string): string[] {
  const parts = sanitizeText(value).split(']]>');
  return parts.map((part, i) => (i > 0 ? '>' : '') + part + (i < parts.length - 1 ? ']]' : ''));
}

/** The CDATA sections for `value`, as text. */
export function cdata(value: string): string {
  return cdataPieces(value).map((piece) => `<![CDATA[${piece}]]>`).join('');
}

/**
 * The description tags LinkedIn keeps; "Other HTML tags will be stripped out, and their contents will be displayed as plain text"
 * (Formatting Guidelines, https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide).
 */
export const DESCRIPTION_TAGS = ['b', 'strong', 'u', 'i', 'br', 'p', 'ul', 'li'] as const;
const ALLOWED_TAGS: ReadonlySet<string> = new Set(DESCRIPTION_TAGS);

// Attribute values may contain `>`, so quoted strings are consumed whole. `<` is not allowed unquoted inside a tag,
// which keeps a run of unclosed `<a ` from being rescanned to the end of the text for each one.
const ATTRIBUTES = `(?:"[^"]*"|'[^']*'|[^'"<>])*`;
const HTML_TOKEN = new RegExp(
  [
    '<!--[\\s\\S]*?(?:-->|$)', // comment (an unclosed one runs to the end, as in a browser)
    `<(script|style)(?=[\\s/>])${ATTRIBUTES}>[\\s\\S]*?(?:<\\/\\1\\s*>|$)`, // script/style with their content
    `<(\\/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\\s/>])${ATTRIBUTES}>`, // any other start or end tag
    `<[!?][^<>]*>`, // doctype, processing instruction, CDATA marker
    '<' // a `<` that starts no tag
  ].join('|'),
  'gi'
);

function keepAllowedTag(token: string, script: string | undefined, slash: string | undefined, name: string | undefined): string {
  if (script !== undefined || name === undefined) return token === '<' ? '&lt;' : '';
  const tag = name.toLowerCase();
  if (!ALLOWED_TAGS.has(tag)) return '';
  if (tag === 'br') return '<br>';
  return slash ? `</${tag}>` : `<${tag}>`;
}

/**
 * Keeps `b strong u i br p ul li` without attributes, strips every other tag to its text, drops script/style content
 * and comments. Entities stay as written; a stray `<` becomes `&lt;` so LinkedIn shows it rather than guessing at a tag.
 */
export function sanitizeDescription(html: string | undefined): string {
  return sanitizeText(html).replace(HTML_TOKEN, (token: string, script?: string, slash?: string, name?: string) => keepAllowedTag(token, script, slash, name));
}

/** The description's text without tags: what LinkedIn counts for its 100-character minimum. */
export function visibleText(description: string): string {
  return description.replace(/<[^>]*>/g, '').trim();
}
