CREATE TABLE "build_matrices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"config_id" uuid NOT NULL,
	"source_content_hash" text NOT NULL,
	"origin" text NOT NULL,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "build_matrix_cells" (
	"matrix_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"target" jsonb NOT NULL,
	"build_id" uuid NOT NULL,
	CONSTRAINT "build_matrix_cells_matrix_id_position_pk" PRIMARY KEY("matrix_id","position")
);
--> statement-breakpoint
ALTER TABLE "build_jobs" ADD COLUMN "source_content_hash" text;--> statement-breakpoint
ALTER TABLE "build_matrices" ADD CONSTRAINT "build_matrices_config_id_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_matrix_cells" ADD CONSTRAINT "build_matrix_cells_matrix_id_build_matrices_id_fk" FOREIGN KEY ("matrix_id") REFERENCES "public"."build_matrices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "build_matrix_cells" ADD CONSTRAINT "build_matrix_cells_build_id_build_jobs_id_fk" FOREIGN KEY ("build_id") REFERENCES "public"."build_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "build_matrices_config_idx" ON "build_matrices" USING btree ("config_id","created_at");--> statement-breakpoint
CREATE INDEX "build_matrix_cells_build_idx" ON "build_matrix_cells" USING btree ("build_id");