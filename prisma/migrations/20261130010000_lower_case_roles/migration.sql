-- Roles read `user`, `moderator`, `admin` in every body, token claim and filter (docs/API.md §3):
-- the stored values take the same spelling, so nothing translates between the two.
ALTER TYPE "Role" RENAME VALUE 'USER' TO 'user';
ALTER TYPE "Role" RENAME VALUE 'MODERATOR' TO 'moderator';
ALTER TYPE "Role" RENAME VALUE 'ADMIN' TO 'admin';
ALTER TABLE "users" ALTER COLUMN "role" SET DEFAULT 'user';
