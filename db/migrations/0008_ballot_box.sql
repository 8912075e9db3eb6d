CREATE TABLE "poll_ballot_holders" (
	"poll_id" integer NOT NULL,
	"process_id" text NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "poll_ballot_holders_poll_id_process_id_pk" PRIMARY KEY("poll_id","process_id")
);
--> statement-breakpoint
CREATE TABLE "pulse_processes" (
	"id" text PRIMARY KEY NOT NULL,
	"lease_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "role_watermark" integer;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "lost_ballots" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_ballot_holders" ADD CONSTRAINT "poll_ballot_holders_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;