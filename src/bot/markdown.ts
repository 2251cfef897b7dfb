/**
 * Teams renders `TextBlock.text`, `Fact.title` and `Fact.value` as Markdown (bold, italic, lists, links). Text that
 * people or LinkedIn supplied must show as typed: a job titled `[Approve here](https://evil.example/login)` must not
 * become a link on a recruiter's card.
 *
 * CommonMark's backslash escape is what every Teams client honours today (desktop and web always have; the mobile
 * renderers showed stray backslashes until their 2023–2024 fixes). Zero-width characters do not stop emphasis pairing,
 * and RichTextBlock would mean rewriting every template, so the escape is kept to the characters that can start
 * markup, leaving ordinary punctuation alone.
 */

/** ASCII punctuation that opens or closes inline markup: emphasis, links, autolinks, code, entities, escapes. */
const INLINE = /[\\`*_[\]<>&~]/g;
/** Line starts that make a block: lists (`- `, `+ `, `1. `, `1) `), headings, setext underlines. */
const BLOCK_START = /^([-+#=]|\d+(?=[.)]))/gm;
/** Indentation at a line start, which Markdown reads as a code block or list continuation; it means nothing on a card. */
const INDENT = /^[ \t]+/gm;

export function escapeMarkdown(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = Array.isArray(value) ? value.join(', ') : String(value);
  return text
    .replace(INDENT, '')
    .replace(INLINE, (char) => `\\${char}`)
    .replace(BLOCK_START, (marker: string) => (/^\d/.test(marker) ? `${marker}\\` : `\\${marker}`));
}

/** A bulleted list of plain sentences, each escaped. */
export function markdownBullets(items: unknown): string {
  const list = Array.isArray(items) ? items : items === undefined || items === null || items === '' ? [] : [items];
  return list.map((item) => `- ${escapeMarkdown(item)}`).join('\n');
}
