CREATE TABLE "build_artifacts" (
	"build_id" uuid NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "build_artifacts_build_id_name_pk" PRIMARY KEY("build_id","name")
);
--> statement-breakpoint
CREATE TABLE "build_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"config_id" uuid NOT NULL,
	"config_name" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stage" text,
	"progress" integer DEFAULT 0 NOT NULL,
	"content_hash" text NOT NULL,
	"config_json" jsonb NOT NULL,
	"yjs_state" "bytea" NOT NULL,
	"schema_version" text NOT NULL,
	"builder_version" text NOT NULL,
	"executor" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"requested_by" uuid,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"retry_of" uuid
);
--> statement-breakpoint
CREATE TABLE "build_logs" (
	"build_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"stream" text NOT NULL,
	"line" text NOT NULL,
	CONSTRAINT "build_logs_build_id_seq_pk" PRIMARY KEY("build_id","seq")
);
--> statement-breakpoint
CREATE TABLE "user_layouts" (
	"user_id" text PRIMARY KEY NOT NULL,
	"layout" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "build_artifacts" ADD CONSTRAINT "build_artifacts_build_id_build_jobs_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."build_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_jobs" ADD CONSTRAINT "build_jobs_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_logs" ADD CONSTRAINT "build_logs_build_id_build_jobs_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."build_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "build_artifacts_expiry_idx" ON "build_artifacts" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "build_jobs_config_idx" ON "build_jobs" USING btree ("config_id","created_at");--> statement-breakpoint
CREATE INDEX "build_jobs_dedupe_idx" ON "build_jobs" USING btree ("config_id","content_hash","builder_version");--> statement-breakpoint
CREATE INDEX "build_jobs_active_idx" ON "build_jobs" USING btree ("status") WHERE status in ('queued', 'running');