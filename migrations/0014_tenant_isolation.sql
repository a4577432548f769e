ALTER TABLE "config_invitations" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "config_members" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "share_links" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "build_artifacts" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "build_jobs" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "build_logs" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "build_matrices" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "build_matrix_cells" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "file_blobs" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "change_log" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "config_versions" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "review_decisions" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "doc_snapshots" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "doc_updates" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "config_secrets" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "org_id" uuid;--> statement-breakpoint
-- Tenant isolation (issue #20 item 4; docs/security.md "Tenant isolation"). Hand-written below
-- this line, generated above it. The org_id columns are kept by triggers (never by the
-- application), backfilled here, and compared by Row-Level Security policies with the tenant of
-- the transaction, which server/db/tenant.ts sets with set_config('boardroom.tenant', ..., true)
-- after SET LOCAL ROLE boardroom_tenant (the table owner bypasses RLS; that role does not).
UPDATE "doc_updates" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "doc_snapshots" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "config_members" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "config_invitations" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "share_links" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "build_jobs" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "build_matrices" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "file_blobs" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "change_log" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "config_versions" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "comments" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "reviews" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "config_secrets" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "webhooks" AS t SET "org_id" = c."org_id" FROM "configs" c WHERE c."id" = t."config_id" AND c."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "build_logs" AS t SET "org_id" = p."org_id" FROM "build_jobs" p WHERE p."id" = t."build_id" AND p."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "build_artifacts" AS t SET "org_id" = p."org_id" FROM "build_jobs" p WHERE p."id" = t."build_id" AND p."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "build_matrix_cells" AS t SET "org_id" = p."org_id" FROM "build_matrices" p WHERE p."id" = t."matrix_id" AND p."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "review_decisions" AS t SET "org_id" = p."org_id" FROM "reviews" p WHERE p."id" = t."review_id" AND p."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "webhook_deliveries" AS t SET "org_id" = p."org_id" FROM "webhooks" p WHERE p."id" = t."webhook_id" AND p."org_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "webhook_attempts" AS t SET "org_id" = p."org_id" FROM "webhook_deliveries" p WHERE p."id" = t."delivery_id" AND p."org_id" IS NOT NULL;
--> statement-breakpoint
-- Set on insert from the configuration, whatever the INSERT said: no insert path can forget it or
-- name another tenant. SECURITY DEFINER so the lookup sees the configuration even inside a tenant
-- transaction (where configs is filtered too): a row of another tenant's configuration then gets
-- that tenant's org_id and the policy's WITH CHECK refuses it. Names are schema-qualified.
CREATE FUNCTION boardroom_org_from_config() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  NEW.org_id := (SELECT c.org_id FROM public.configs c WHERE c.id = NEW.config_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "doc_updates_tenant" BEFORE INSERT ON "doc_updates" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "doc_snapshots_tenant" BEFORE INSERT ON "doc_snapshots" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "config_members_tenant" BEFORE INSERT ON "config_members" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "config_invitations_tenant" BEFORE INSERT ON "config_invitations" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "share_links_tenant" BEFORE INSERT ON "share_links" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "build_jobs_tenant" BEFORE INSERT ON "build_jobs" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "build_matrices_tenant" BEFORE INSERT ON "build_matrices" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "file_blobs_tenant" BEFORE INSERT ON "file_blobs" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "change_log_tenant" BEFORE INSERT ON "change_log" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "config_versions_tenant" BEFORE INSERT ON "config_versions" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "comments_tenant" BEFORE INSERT ON "comments" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "reviews_tenant" BEFORE INSERT ON "reviews" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "config_secrets_tenant" BEFORE INSERT ON "config_secrets" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE TRIGGER "webhooks_tenant" BEFORE INSERT ON "webhooks" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_config();
--> statement-breakpoint
CREATE FUNCTION boardroom_org_from_build_jobs() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  NEW.org_id := (SELECT p.org_id FROM public.build_jobs p WHERE p.id = NEW.build_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "build_logs_tenant" BEFORE INSERT ON "build_logs" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_build_jobs();
--> statement-breakpoint
-- Same parent as build_logs: same function.
CREATE TRIGGER "build_artifacts_tenant" BEFORE INSERT ON "build_artifacts" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_build_jobs();
--> statement-breakpoint
CREATE FUNCTION boardroom_org_from_build_matrices() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  NEW.org_id := (SELECT p.org_id FROM public.build_matrices p WHERE p.id = NEW.matrix_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "build_matrix_cells_tenant" BEFORE INSERT ON "build_matrix_cells" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_build_matrices();
--> statement-breakpoint
CREATE FUNCTION boardroom_org_from_reviews() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  NEW.org_id := (SELECT p.org_id FROM public.reviews p WHERE p.id = NEW.review_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "review_decisions_tenant" BEFORE INSERT ON "review_decisions" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_reviews();
--> statement-breakpoint
CREATE FUNCTION boardroom_org_from_webhooks() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  NEW.org_id := (SELECT p.org_id FROM public.webhooks p WHERE p.id = NEW.webhook_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "webhook_deliveries_tenant" BEFORE INSERT ON "webhook_deliveries" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_webhooks();
--> statement-breakpoint
CREATE FUNCTION boardroom_org_from_webhook_deliveries() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  NEW.org_id := (SELECT p.org_id FROM public.webhook_deliveries p WHERE p.id = NEW.delivery_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "webhook_attempts_tenant" BEFORE INSERT ON "webhook_attempts" FOR EACH ROW EXECUTE FUNCTION boardroom_org_from_webhook_deliveries();
--> statement-breakpoint
-- A configuration that moves organisation (or to/from personal) takes every row of its data
-- along, in the same transaction as the move: the trigger below calls this whenever
-- configs.org_id changes, so the move is one `UPDATE configs SET org_id = ...`. Callable on its
-- own to repair a configuration's rows.
CREATE FUNCTION boardroom_move_config_rows(p_config uuid, p_org uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  UPDATE public.doc_updates SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.doc_snapshots SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.config_members SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.config_invitations SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.share_links SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.build_jobs SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.build_matrices SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.file_blobs SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.change_log SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.config_versions SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.comments SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.reviews SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.config_secrets SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.webhooks SET org_id = p_org WHERE config_id = p_config AND org_id IS DISTINCT FROM p_org;
  UPDATE public.build_logs SET org_id = p_org WHERE build_id IN (SELECT id FROM public.build_jobs WHERE config_id = p_config) AND org_id IS DISTINCT FROM p_org;
  UPDATE public.build_artifacts SET org_id = p_org WHERE build_id IN (SELECT id FROM public.build_jobs WHERE config_id = p_config) AND org_id IS DISTINCT FROM p_org;
  UPDATE public.build_matrix_cells SET org_id = p_org WHERE matrix_id IN (SELECT id FROM public.build_matrices WHERE config_id = p_config) AND org_id IS DISTINCT FROM p_org;
  UPDATE public.review_decisions SET org_id = p_org WHERE review_id IN (SELECT id FROM public.reviews WHERE config_id = p_config) AND org_id IS DISTINCT FROM p_org;
  UPDATE public.webhook_deliveries SET org_id = p_org WHERE webhook_id IN (SELECT id FROM public.webhooks WHERE config_id = p_config) AND org_id IS DISTINCT FROM p_org;
  UPDATE public.webhook_attempts SET org_id = p_org WHERE delivery_id IN (SELECT d.id FROM public.webhook_deliveries d JOIN public.webhooks w ON w.id = d.webhook_id WHERE w.config_id = p_config) AND org_id IS DISTINCT FROM p_org;
END
$$;
--> statement-breakpoint
CREATE FUNCTION boardroom_config_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM boardroom_move_config_rows(NEW.id, NEW.org_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "configs_moved" AFTER UPDATE OF "org_id" ON "configs" FOR EACH ROW WHEN (OLD."org_id" IS DISTINCT FROM NEW."org_id") EXECUTE FUNCTION boardroom_config_moved();
--> statement-breakpoint
-- The tenant of the transaction: an organisation's id, 'personal' (or 'personal:<user>': personal
-- configurations, org_id null), or '' / unset: nothing. The policies call them as scalar
-- subqueries, `(SELECT boardroom_tenant_org())`, which Postgres evaluates once per statement (an
-- InitPlan) instead of once per row: the regular expression per row cost 4 µs a row.
CREATE FUNCTION boardroom_tenant_org() RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN current_setting('boardroom.tenant', true) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    THEN current_setting('boardroom.tenant', true)::uuid END
$$;
--> statement-breakpoint
CREATE FUNCTION boardroom_tenant_personal() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('boardroom.tenant', true) LIKE 'personal%', false)
$$;
--> statement-breakpoint
-- The role tenant transactions take with SET LOCAL ROLE: not the owner of any table, so the
-- policies apply to it. Roles are cluster-wide: created once, tolerated when another database's
-- migration made it first (even at the same moment).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'boardroom_tenant') THEN
    CREATE ROLE boardroom_tenant NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The server's own user must be allowed to SET ROLE to it (a superuser always is).
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'boardroom_tenant', 'MEMBER') THEN
    EXECUTE format('GRANT boardroom_tenant TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO boardroom_tenant;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO boardroom_tenant;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO boardroom_tenant;
--> statement-breakpoint
-- Tables and sequences of later migrations (run by the same user) are granted too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO boardroom_tenant;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO boardroom_tenant;
--> statement-breakpoint
-- The policies: a row is visible (and may be written) inside a tenant transaction when it belongs
-- to that tenant. The owner (the server outside tenant transactions, migrations, the builder)
-- bypasses them: RLS is the second line, behind the access checks.
ALTER TABLE "configs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "configs_tenant" ON "configs" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "doc_updates" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "doc_updates_tenant" ON "doc_updates" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "doc_snapshots" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "doc_snapshots_tenant" ON "doc_snapshots" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "config_members" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "config_members_tenant" ON "config_members" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "config_invitations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "config_invitations_tenant" ON "config_invitations" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "share_links" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "share_links_tenant" ON "share_links" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "build_jobs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "build_jobs_tenant" ON "build_jobs" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "build_matrices" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "build_matrices_tenant" ON "build_matrices" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "file_blobs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "file_blobs_tenant" ON "file_blobs" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "change_log" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "change_log_tenant" ON "change_log" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "config_versions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "config_versions_tenant" ON "config_versions" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "comments" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "comments_tenant" ON "comments" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "reviews" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "reviews_tenant" ON "reviews" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "config_secrets" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "config_secrets_tenant" ON "config_secrets" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "webhooks" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "webhooks_tenant" ON "webhooks" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "build_logs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "build_logs_tenant" ON "build_logs" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "build_artifacts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "build_artifacts_tenant" ON "build_artifacts" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "build_matrix_cells" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "build_matrix_cells_tenant" ON "build_matrix_cells" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "review_decisions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "review_decisions_tenant" ON "review_decisions" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "webhook_deliveries_tenant" ON "webhook_deliveries" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "webhook_attempts" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "webhook_attempts_tenant" ON "webhook_attempts" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "org_members" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "org_members_tenant" ON "org_members" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "org_invitations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "org_invitations_tenant" ON "org_invitations" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "teams" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "teams_tenant" ON "teams" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "team_members" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "team_members_tenant" ON "team_members" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "team_config_grants" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "team_config_grants_tenant" ON "team_config_grants" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "audit_log_tenant" ON "audit_log" USING (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal()))) WITH CHECK (("org_id" = (SELECT boardroom_tenant_org())) OR ("org_id" IS NULL AND (SELECT boardroom_tenant_personal())));
--> statement-breakpoint
ALTER TABLE "organisations" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "organisations_tenant" ON "organisations" USING ("id" = (SELECT boardroom_tenant_org())) WITH CHECK ("id" = (SELECT boardroom_tenant_org()));

