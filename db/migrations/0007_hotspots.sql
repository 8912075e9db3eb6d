CREATE TABLE "hotspot_hits" (
	"unit_id" integer NOT NULL,
	"chat_id" integer,
	"topic_id" text NOT NULL,
	"source" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "hotspot_hits_key_uq" UNIQUE NULLS NOT DISTINCT("unit_id","chat_id","topic_id","source","bucket")
);
--> statement-breakpoint
CREATE TABLE "hotspot_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"excerpts" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hotspot_terms" (
	"id" serial PRIMARY KEY NOT NULL,
	"topic_id" text NOT NULL,
	"term" text NOT NULL,
	"key" text NOT NULL,
	"exact" boolean NOT NULL,
	"exclusion" boolean NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hotspot_topics" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"severity" text NOT NULL,
	"surge_hits" integer NOT NULL,
	"surge_window_minutes" integer NOT NULL,
	"baseline_days" integer,
	"baseline_factor" double precision,
	"playbook" text NOT NULL,
	"escalation" jsonb NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" integer NOT NULL,
	"step_index" integer NOT NULL,
	"person_id" integer NOT NULL,
	"status" text NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"platform" text,
	"chat_external_id" text,
	"message_id" text,
	CONSTRAINT "incident_alerts_step_person_uq" UNIQUE("incident_id","step_index","person_id")
);
--> statement-breakpoint
CREATE TABLE "incident_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"count" integer,
	"step_index" integer,
	"target" text,
	"person_id" integer
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"topic_id" text NOT NULL,
	"topic_name" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"hit_count" integer NOT NULL,
	"window_minutes" integer NOT NULL,
	"escalation" jsonb NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"last_hit_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" integer,
	"resolved_at" timestamp with time zone,
	"resolved_by" integer,
	"resolution_note" text,
	"next_step_index" integer DEFAULT 0 NOT NULL,
	"next_step_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "hotspot_hits" ADD CONSTRAINT "hotspot_hits_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotspot_terms" ADD CONSTRAINT "hotspot_terms_topic_id_hotspot_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."hotspot_topics"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "incident_alerts" ADD CONSTRAINT "incident_alerts_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_alerts" ADD CONSTRAINT "incident_alerts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_events" ADD CONSTRAINT "incident_events_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_acknowledged_by_people_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_resolved_by_people_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hotspot_hits_unit_topic_bucket_idx" ON "hotspot_hits" USING btree ("unit_id","topic_id","bucket");--> statement-breakpoint
CREATE INDEX "hotspot_hits_bucket_idx" ON "hotspot_hits" USING btree ("bucket");--> statement-breakpoint
CREATE UNIQUE INDEX "hotspot_terms_topic_key_uq" ON "hotspot_terms" USING btree ("topic_id","exclusion","key");--> statement-breakpoint
CREATE INDEX "incident_alerts_status_idx" ON "incident_alerts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "incident_events_incident_idx" ON "incident_events" USING btree ("incident_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_open_dedup_uq" ON "incidents" USING btree ("unit_id","topic_id") WHERE "incidents"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "incidents_due_idx" ON "incidents" USING btree ("next_step_at") WHERE "incidents"."status" = 'open';--> statement-breakpoint
CREATE INDEX "incidents_unit_topic_idx" ON "incidents" USING btree ("unit_id","topic_id","resolved_at");