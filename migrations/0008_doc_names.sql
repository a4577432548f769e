ALTER TABLE "doc_snapshots" ADD COLUMN "doc_name" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "doc_updates" ADD COLUMN "doc_name" text DEFAULT 'main' NOT NULL;--> statement-breakpoint
ALTER TABLE "doc_snapshots" DROP CONSTRAINT "doc_snapshots_pkey";--> statement-breakpoint
ALTER TABLE "doc_snapshots" ADD CONSTRAINT "doc_snapshots_config_id_doc_name_pk" PRIMARY KEY("config_id","doc_name");--> statement-breakpoint
DROP INDEX "doc_updates_config_idx";--> statement-breakpoint
CREATE INDEX "doc_updates_doc_idx" ON "doc_updates" USING btree ("config_id","doc_name","id");
