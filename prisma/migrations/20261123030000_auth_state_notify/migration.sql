-- Every change that can end an access token's life (a session revoked, shortened, moved or
-- deleted, a user's role or plan changed, a user deleted) is announced on the channel
-- auth_state, at commit, to every app instance listening. Instances keep an in-memory view of
-- live sessions and drop an entry the moment its notice arrives (see session-state.cache.ts).
-- A trigger rather than application code, so no write path can forget it, manual SQL included.
--
-- The body is an E'' string and \073 is the statement separator (a semicolon): Prisma's
-- migration runner splits the file on that character, even inside dollar quotes.
CREATE FUNCTION notify_auth_state() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_notify(''auth_state'', CASE TG_TABLE_NAME WHEN ''sessions'' THEN ''s:'' ELSE ''u:'' END || OLD.id::text)\073
  RETURN NULL\073
END';

CREATE TRIGGER sessions_notify_auth_state
  AFTER UPDATE OF revoked_at, expires_at, user_id OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION notify_auth_state();

CREATE TRIGGER users_notify_auth_state
  AFTER UPDATE OF role, plan OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_auth_state();
