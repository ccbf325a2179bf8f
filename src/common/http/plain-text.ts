import type { TransformFnParams } from 'class-transformer';
import sanitizeHtml from 'sanitize-html';

/** The only entities sanitize-html writes into text; decoded in one pass. */
const ESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * User text as plain text: every tag and attribute dropped (script and style with their
 * contents: stored XSS), entities decoded, trimmed. What is stored is what the user meant
 * (`Tom & Jerry`, `a < b`), not HTML: whatever renders it must escape it on output.
 */
export function toPlainText(input: string): string {
  const html = sanitizeHtml(input, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'discard' });
  return html.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ESCAPES[entity] ?? entity).trim();
}

/**
 * `@Transform(plainText)` on a DTO property: sanitise first, so the validators that follow check
 * the value that will be stored (a title of `<b></b>` is empty, hence too short; 200 `&` are
 * 200 characters). Arrays of strings are sanitised item by item; anything else is left for the
 * validators to refuse.
 */
export const plainText = ({ value }: TransformFnParams): unknown => {
  if (typeof value === 'string') return toPlainText(value);
  if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'string' ? toPlainText(item) : item));
  return value;
};
