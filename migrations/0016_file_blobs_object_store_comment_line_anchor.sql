ALTER TABLE "file_blobs" ALTER COLUMN "content" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "file_blobs" ADD COLUMN "last_put_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "anchor_position" text;--> statement-breakpoint
ALTER TABLE "comments" ADD COLUMN "anchor_line" integer;--> statement-breakpoint
CREATE INDEX "file_blobs_last_put_idx" ON "file_blobs" USING btree ("last_put_at");