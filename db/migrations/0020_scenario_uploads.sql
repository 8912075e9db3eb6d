CREATE TABLE "scenario_uploads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"platform" text NOT NULL,
	"file_name" text NOT NULL,
	"text" text NOT NULL,
	"plan_text" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "scenario_uploads" ADD CONSTRAINT "scenario_uploads_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scenario_uploads_person_idx" ON "scenario_uploads" USING btree ("person_id","status");