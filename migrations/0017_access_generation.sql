CREATE TABLE "access_generation" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Hand-written below this line, generated above it. The access generation (docs/architecture.md,
-- "Access"): every change to a fact the access policy reads advances one counter when it
-- commits, so the steady re-check of live connections reads one row instead of every
-- connection's facts while nothing changed. Constraint triggers, because they run at commit:
-- the counter's row lock is the last lock such a transaction takes, so two of them can never
-- wait on each other through it (an ordinary trigger would take it mid-transaction). Row-level
-- (constraint triggers must be), which is cheap because access changes are rare; the columns
-- named are the ones the policy reads, so touching a configuration's "last edited" time or
-- counting a link's uses does not count as an access change.
ALTER TABLE "access_generation" ADD CONSTRAINT "access_generation_one_row" CHECK ("id");
--> statement-breakpoint
INSERT INTO "access_generation" ("id", "n") VALUES (true, 0);
--> statement-breakpoint
-- Only the trigger below moves it: tenant transactions may read it, never set it back.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "access_generation" FROM boardroom_tenant;
--> statement-breakpoint
-- SECURITY DEFINER: changes made inside a tenant transaction (SET LOCAL ROLE boardroom_tenant)
-- advance it too.
CREATE FUNCTION boardroom_access_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  UPDATE access_generation SET n = n + 1 WHERE id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER INSERT OR UPDATE OR DELETE ON "config_members" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER INSERT OR UPDATE OR DELETE ON "team_config_grants" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER INSERT OR UPDATE OR DELETE ON "team_members" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER INSERT OR UPDATE OR DELETE ON "org_members" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
-- A new configuration, link or session concerns no connection that is already open.
CREATE CONSTRAINT TRIGGER "access_changed" AFTER UPDATE OF "owner_id", "org_id", "deleted_at" OR DELETE ON "configs" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER UPDATE OF "deleted_at", "member_role" OR DELETE ON "organisations" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER UPDATE OF "is_admin" OR DELETE ON "users" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER UPDATE OF "config_id", "role", "kind", "expires_at", "revoked_at" OR DELETE ON "share_links" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "access_changed" AFTER UPDATE OF "expires_at", "revoked_at" OR DELETE ON "sessions" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION boardroom_access_changed();
