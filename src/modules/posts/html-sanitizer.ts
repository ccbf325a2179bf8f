import sanitizeHtml from 'sanitize-html';

/**
 * Strips every tag and attribute (stored XSS): what remains is text, with `<`, `>` and `&`
 * escaped, safe to drop into a page as it is.
 */
export function stripHtml(input: string): string {
  return sanitizeHtml(input, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'discard' }).trim();
}
