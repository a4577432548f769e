-- Invitations made before this migration carried no token: nobody could prove they received them,
-- so they are dropped (the owner invites again and gets a link). Without rows the NOT NULL
-- token column can be added.
DELETE FROM "config_invitations";--> statement-breakpoint
ALTER TABLE "config_invitations" DROP CONSTRAINT "config_invitations_config_id_email_pk";--> statement-breakpoint
ALTER TABLE "config_invitations" ADD COLUMN "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "config_invitations" ADD COLUMN "token_hash" text NOT NULL;--> statement-breakpoint
ALTER TABLE "config_invitations" ADD COLUMN "expires_at" timestamp with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "config_invitations" ADD COLUMN "accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "config_invitations" ADD COLUMN "accepted_by" uuid;--> statement-breakpoint
ALTER TABLE "config_invitations" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "configs" ADD COLUMN "required_approvals" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "config_invitations_token_idx" ON "config_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "config_invitations_config_idx" ON "config_invitations" USING btree ("config_id");