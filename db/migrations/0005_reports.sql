CREATE INDEX "directive_deliveries_occurrence_idx" ON "directive_deliveries" USING btree ("occurrence");--> statement-breakpoint
CREATE INDEX "feedback_hour_idx" ON "feedback" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "polls_created_idx" ON "polls" USING btree ("created_at");