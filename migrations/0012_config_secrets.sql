CREATE TABLE "config_secrets" (
	"config_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sealed" text NOT NULL,
	"value_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"updated_by" uuid,
	"updated_by_name" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "config_secrets_config_id_name_pk" PRIMARY KEY("config_id","name")
);
--> statement-breakpoint
ALTER TABLE "build_jobs" ADD COLUMN "firstboot_secrets" jsonb;--> statement-breakpoint
ALTER TABLE "config_secrets" ADD CONSTRAINT "config_secrets_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "config_secrets" ADD CONSTRAINT "config_secrets_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;