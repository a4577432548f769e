DROP INDEX "audit_log_org_time_idx";--> statement-breakpoint
DROP INDEX "audit_log_config_time_idx";--> statement-breakpoint
CREATE INDEX "audit_log_org_id_idx" ON "audit_log" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_config_id_idx" ON "audit_log" USING btree ("config_id","id");