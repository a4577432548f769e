ALTER TABLE "users" ADD COLUMN "admin_via" text;--> statement-breakpoint
-- Nobody is admin by having signed up first any more (docs/security.md, "Instance admins"): the
-- account that was, and any other, is admin again only once listed and proven, or granted.
UPDATE "users" SET "is_admin" = false WHERE "is_admin";
