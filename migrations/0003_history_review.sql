CREATE TABLE "change_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"config_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"path" text NOT NULL,
	"op" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"text_offset" integer,
	"author_id" text,
	"author_name" text NOT NULL,
	"author_kind" text NOT NULL,
	"coauthors" jsonb,
	"source" text NOT NULL,
	"changes" integer DEFAULT 1 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "comments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"config_id" uuid NOT NULL,
	"thread_id" uuid NOT NULL,
	"anchor_path" text,
	"anchor_schema_version" text,
	"review_id" uuid,
	"author_id" text,
	"author_name" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"edited_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" text,
	"resolved_by_name" text
);
--> statement-breakpoint
CREATE TABLE "config_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"config_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"build_id" uuid,
	"created_by_id" text,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"content_hash" text NOT NULL,
	"schema_version" text NOT NULL,
	"config_json" jsonb NOT NULL,
	"yjs_state" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"review_id" uuid NOT NULL,
	"by_id" text,
	"by_name" text NOT NULL,
	"decision" text NOT NULL,
	"comment" text,
	"content_hash" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"config_id" uuid NOT NULL,
	"content_hash" text NOT NULL,
	"version_id" uuid NOT NULL,
	"base_version_id" uuid,
	"title" text NOT NULL,
	"opened_by_id" text,
	"opened_by_name" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "change_log" ADD CONSTRAINT "change_log_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_versions" ADD CONSTRAINT "config_versions_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_version_id_config_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."config_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_base_version_id_config_versions_id_fk" FOREIGN KEY ("base_version_id") REFERENCES "public"."config_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_log_config_idx" ON "change_log" USING btree ("config_id","seq");--> statement-breakpoint
CREATE INDEX "change_log_path_idx" ON "change_log" USING btree ("config_id","path","seq");--> statement-breakpoint
CREATE INDEX "comments_config_idx" ON "comments" USING btree ("config_id","created_at");--> statement-breakpoint
CREATE INDEX "comments_thread_idx" ON "comments" USING btree ("thread_id","created_at");--> statement-breakpoint
CREATE INDEX "config_versions_config_idx" ON "config_versions" USING btree ("config_id","created_at");--> statement-breakpoint
CREATE INDEX "config_versions_hash_idx" ON "config_versions" USING btree ("config_id","content_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "config_versions_build_idx" ON "config_versions" USING btree ("build_id");--> statement-breakpoint
CREATE INDEX "review_decisions_review_idx" ON "review_decisions" USING btree ("review_id","at");--> statement-breakpoint
CREATE INDEX "reviews_config_idx" ON "reviews" USING btree ("config_id","opened_at");--> statement-breakpoint
CREATE INDEX "reviews_hash_idx" ON "reviews" USING btree ("config_id","content_hash");