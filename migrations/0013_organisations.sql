CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid,
	"config_id" uuid,
	"actor_id" uuid,
	"actor_label" text,
	"address" text,
	"action" text NOT NULL,
	"target" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "org_members" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"invited_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_members_org_id_user_id_pk" PRIMARY KEY("org_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"member_role" text DEFAULT 'viewer',
	"require_approval" boolean DEFAULT false NOT NULL,
	"required_approvals" integer DEFAULT 1 NOT NULL,
	"allowed_link_roles" text[] DEFAULT '{viewer,commenter,editor}'::text[] NOT NULL,
	"max_link_lifetime_ms" bigint,
	"config_creators" text DEFAULT 'members' NOT NULL,
	"audit_retention_days" integer DEFAULT 365 NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "team_config_grants" (
	"team_id" uuid NOT NULL,
	"config_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"role" text NOT NULL,
	"granted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_config_grants_team_id_config_id_pk" PRIMARY KEY("team_id","config_id")
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"team_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "team_members_team_id_user_id_pk" PRIMARY KEY("team_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"default_role" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "configs" ADD COLUMN "org_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_invitations" ADD CONSTRAINT "org_invitations_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_members" ADD CONSTRAINT "org_members_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_members" ADD CONSTRAINT "org_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_config_grants" ADD CONSTRAINT "team_config_grants_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_config_grants" ADD CONSTRAINT "team_config_grants_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_config_grants" ADD CONSTRAINT "team_config_grants_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_org_time_idx" ON "audit_log" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_config_time_idx" ON "audit_log" USING btree ("config_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "org_invitations_token_idx" ON "org_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "org_invitations_org_idx" ON "org_invitations" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "org_members_user_idx" ON "org_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "team_config_grants_config_idx" ON "team_config_grants" USING btree ("config_id");--> statement-breakpoint
CREATE INDEX "team_members_user_idx" ON "team_members" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "teams_org_name_idx" ON "teams" USING btree ("org_id","name");--> statement-breakpoint
ALTER TABLE "configs" ADD CONSTRAINT "configs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "configs_org_idx" ON "configs" USING btree ("org_id");--> statement-breakpoint
-- The effective role of a person on a configuration: the highest of ownership, direct membership,
-- team grants and the organisation (owners and admins own every configuration of it; members get
-- its member_role). The one definition admission, REST and live re-checks use
-- (shared/node/db/orgs-schema.ts). Deleted configurations and organisations give nothing here;
-- callers that must tell "gone" from "not yours" read deleted_at themselves.
CREATE FUNCTION boardroom_role_rank(r text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_position(ARRAY['viewer','commenter','editor','owner'], r), 0)
$$;
--> statement-breakpoint
CREATE FUNCTION boardroom_effective_role(p_config uuid, p_user uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT g.role FROM (
    SELECT 'owner'::text AS role FROM configs c WHERE c.id = p_config AND c.owner_id = p_user
    UNION ALL
    SELECT m.role FROM config_members m WHERE m.config_id = p_config AND m.user_id = p_user
    UNION ALL
    SELECT tg.role FROM team_config_grants tg
      JOIN team_members tm ON tm.team_id = tg.team_id AND tm.user_id = p_user
      -- A team gives nothing to someone no longer in its organisation, whatever rows remain.
      JOIN org_members tom ON tom.org_id = tg.org_id AND tom.user_id = p_user
      JOIN configs c ON c.id = tg.config_id AND c.org_id = tg.org_id
      WHERE tg.config_id = p_config
    UNION ALL
    SELECT CASE WHEN om.role IN ('owner', 'admin') THEN 'owner' ELSE o.member_role END
      FROM configs c
      JOIN organisations o ON o.id = c.org_id AND o.deleted_at IS NULL
      JOIN org_members om ON om.org_id = c.org_id AND om.user_id = p_user
      WHERE c.id = p_config
  ) g
  WHERE g.role IS NOT NULL
  ORDER BY boardroom_role_rank(g.role) DESC
  LIMIT 1
$$;
--> statement-breakpoint
-- Every configuration a person holds a role on, with that role (the listing's counterpart of
-- boardroom_effective_role; same rules).
CREATE FUNCTION boardroom_user_roles(p_user uuid) RETURNS TABLE (config_id uuid, role text) LANGUAGE sql STABLE AS $$
  SELECT DISTINCT ON (g.config_id) g.config_id, g.role FROM (
    SELECT c.id AS config_id, 'owner'::text AS role FROM configs c WHERE c.owner_id = p_user
    UNION ALL
    SELECT m.config_id, m.role FROM config_members m WHERE m.user_id = p_user
    UNION ALL
    SELECT tg.config_id, tg.role FROM team_config_grants tg
      JOIN team_members tm ON tm.team_id = tg.team_id AND tm.user_id = p_user
      -- A team gives nothing to someone no longer in its organisation, whatever rows remain.
      JOIN org_members tom ON tom.org_id = tg.org_id AND tom.user_id = p_user
      JOIN configs c ON c.id = tg.config_id AND c.org_id = tg.org_id
    UNION ALL
    SELECT c.id, CASE WHEN om.role IN ('owner', 'admin') THEN 'owner' ELSE o.member_role END
      FROM org_members om
      JOIN organisations o ON o.id = om.org_id AND o.deleted_at IS NULL
      JOIN configs c ON c.org_id = om.org_id
      WHERE om.user_id = p_user
  ) g
  WHERE g.role IS NOT NULL
  ORDER BY g.config_id, boardroom_role_rank(g.role) DESC
$$;
