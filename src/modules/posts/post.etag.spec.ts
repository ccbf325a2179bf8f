import { describe, expect, it } from '@jest/globals';
import { MAX_IF_MATCH_LENGTH, parseIfMatch, postETag } from './post.etag.js';

describe('postETag', () => {
  it('is the version as a strong entity-tag', () => {
    expect(postETag(1)).toBe('"1"');
    expect(postETag(42)).toBe('"42"');
  });
});

describe('parseIfMatch', () => {
  it('makes the write unconditional without the header, and for *', () => {
    expect(parseIfMatch(undefined)).toBe('any');
    expect(parseIfMatch('*')).toBe('any');
    expect(parseIfMatch('  * ')).toBe('any');
  });

  it('reads a strong tag, and a list of them (duplicate header lines arrive joined)', () => {
    expect(parseIfMatch('"3"')).toEqual([3]);
    expect(parseIfMatch('"3", "7" ,"3"')).toEqual([3, 7]);
    expect(parseIfMatch('"3", , "4",')).toEqual([3, 4]);
  });

  it('compares strongly: a weak tag never matches', () => {
    expect(parseIfMatch('W/"3"')).toEqual([]);
    expect(parseIfMatch('W/"3", "4"')).toEqual([4]);
  });

  it('lets well-formed tags that are no version of ours match nothing', () => {
    for (const header of ['"abc"', '"03"', '"0"', '"-1"', '"1.5"', '"2147483648"', '"99999999999"', '""', '"a,b"']) {
      expect(parseIfMatch(header)).toEqual([]);
    }
  });

  it('lets a malformed, empty or overlong header match nothing, never everything', () => {
    for (const header of ['3', '"3', '3"', "'3'", '"3" "4"', '*, "3"', '"3", *', 'W/3', 'w/"3"', '"a b"', '', '   ', ',']) {
      expect(parseIfMatch(header)).toEqual([]);
    }
    expect(parseIfMatch(Array.from({ length: MAX_IF_MATCH_LENGTH }, () => '"1"').join(','))).toEqual([]);
  });
});
