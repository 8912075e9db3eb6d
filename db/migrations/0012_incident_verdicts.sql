CREATE TABLE "incident_verdicts" (
	"incident_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"topic_id" text NOT NULL,
	"verdict" text NOT NULL,
	"concepts" text[] DEFAULT '{}'::text[] NOT NULL,
	"sources" text[] DEFAULT '{}'::text[] NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "incident_verdicts_incident_id_person_id_pk" PRIMARY KEY("incident_id","person_id")
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "concepts" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "sources" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "incident_verdicts" ADD CONSTRAINT "incident_verdicts_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_verdicts" ADD CONSTRAINT "incident_verdicts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_verdicts_topic_idx" ON "incident_verdicts" USING btree ("topic_id","at");