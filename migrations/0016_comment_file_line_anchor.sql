ALTER TABLE "comments" ADD COLUMN "anchor_position" text;--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "anchor_line" integer;