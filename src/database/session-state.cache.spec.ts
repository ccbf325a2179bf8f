import { describe, expect, it } from '@jest/globals';
import { LiveSessions, type LiveSession } from './session-state.cache.js';

const session = (userId: string, inMs = 60_000): LiveSession => ({
  userId,
  role: 'user',
  plan: 'DEFAULT',
  startedAt: new Date(), expiresAt: new Date(Date.now() + inMs),
});

function liveView(max?: number): LiveSessions {
  const view = new LiveSessions(max);
  view.goLive();
  return view;
}

describe('LiveSessions (the in-memory revocation view)', () => {
  it('answers nothing until live, and forgets everything when it goes dark', () => {
    const view = new LiveSessions();
    view.remember('s1', session('u1'), view.snapshot());
    expect(view.get('s1')).toBeUndefined();
    view.goLive();
    view.remember('s1', session('u1'), view.snapshot());
    expect(view.get('s1')?.userId).toBe('u1');
    view.goDark();
    expect(view.get('s1')).toBeUndefined();
    view.goLive();
    expect(view.get('s1')).toBeUndefined();
  });

  it('a session notice drops that session only', () => {
    const view = liveView();
    view.remember('s1', session('u1'), view.snapshot());
    view.remember('s2', session('u1'), view.snapshot());
    view.applyNotice('s:s1');
    expect(view.get('s1')).toBeUndefined();
    expect(view.get('s2')).toBeDefined();
  });

  it("a user notice drops all of that user's sessions and nobody else's", () => {
    const view = liveView();
    view.remember('s1', session('u1'), view.snapshot());
    view.remember('s2', session('u1'), view.snapshot());
    view.remember('s3', session('u2'), view.snapshot());
    view.applyNotice('u:u1');
    expect(view.get('s1')).toBeUndefined();
    expect(view.get('s2')).toBeUndefined();
    expect(view.get('s3')).toBeDefined();
  });

  it('an unknown notice clears the whole view', () => {
    const view = liveView();
    view.remember('s1', session('u1'), view.snapshot());
    view.applyNotice('garbage');
    expect(view.size).toBe(0);
  });

  it('a database read that raced a notice is not stored (the notice may concern it)', () => {
    const view = liveView();
    const before = view.snapshot();
    view.applyNotice('s:some-other-session');
    view.remember('s1', session('u1'), before);
    expect(view.get('s1')).toBeUndefined();
  });

  it('a read that raced a reconnect is not stored either', () => {
    const view = liveView();
    const before = view.snapshot();
    view.goDark();
    view.goLive();
    view.remember('s1', session('u1'), before);
    expect(view.get('s1')).toBeUndefined();
  });

  it('an expired session is never answered', () => {
    const view = liveView();
    view.remember('s1', session('u1', 1_000), view.snapshot());
    expect(view.get('s1', Date.now() + 2_000)).toBeUndefined();
    expect(view.size).toBe(0);
  });

  it('stays bounded: the oldest entry goes first', () => {
    const view = liveView(2);
    for (const id of ['s1', 's2', 's3']) view.remember(id, session('u1'), view.snapshot());
    expect(view.size).toBe(2);
    expect(view.get('s1')).toBeUndefined();
    expect(view.get('s3')).toBeDefined();
  });
});
