/**
 * Optimistic concurrency for posts (RFC 9110 §8.8.3, §13.1.1): a post's entity tag is its
 * version, a strong validator, since every write bumps the version. A write may carry If-Match;
 * the repository compares it with the stored version in the UPDATE/DELETE statement itself.
 */

/** What If-Match allows a write to: any current version (no header, or `*`), or only these. */
export type VersionPrecondition = 'any' | readonly number[];

/** A longer If-Match is not parsed at all (it matches nothing): the work per request stays bounded. */
export const MAX_IF_MATCH_LENGTH = 1024;

const MAX_VERSION = 2_147_483_647;
const CANONICAL_VERSION = /^[1-9][0-9]{0,9}$/;
/** One list member: optional whitespace, an entity-tag (or nothing: an empty member), a comma or the end. */
const LIST_MEMBER = /[ \t]*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(,|$)/y;

export function postETag(version: number): string {
  return `"${version}"`;
}

type EntityTag = { weak: boolean; opaque: string };

/** `#entity-tag` (RFC 9110 §5.6.1, §8.8.3); undefined when the value is not such a list. */
function parseEntityTags(value: string): EntityTag[] | undefined {
  const tags: EntityTag[] = [];
  LIST_MEMBER.lastIndex = 0;
  for (;;) {
    const member = LIST_MEMBER.exec(value);
    if (!member) return undefined;
    if (member[2] !== undefined) tags.push({ weak: member[1] !== undefined, opaque: member[2] });
    if (member[3] !== ',') return tags;
  }
}

/**
 * The If-Match header as a precondition on the post's version. Strong comparison: a weak tag
 * never matches. A malformed header, an empty one or an overlong one matches nothing (412): a
 * client that sent a condition must never get an unconditional write instead.
 */
export function parseIfMatch(header: string | undefined): VersionPrecondition {
  if (header === undefined) return 'any';
  const value = header.trim();
  if (value === '*') return 'any';
  const tags = value.length <= MAX_IF_MATCH_LENGTH ? parseEntityTags(value) : undefined;
  if (!tags) return [];
  const versions = tags
    .filter((tag) => !tag.weak && CANONICAL_VERSION.test(tag.opaque))
    .map((tag) => Number(tag.opaque))
    .filter((version) => version <= MAX_VERSION);
  return [...new Set(versions)];
}
