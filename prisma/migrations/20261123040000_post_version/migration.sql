-- Optimistic concurrency for posts: every write bumps "version", the API sends it as the strong
-- ETag "<version>" and a write with a stale If-Match matches no row (412, no lost update).
-- Existing rows start at version 1, like new ones. Adding a column with a constant default is a
-- catalog-only change in PostgreSQL 11 and later (no table rewrite).

-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;
