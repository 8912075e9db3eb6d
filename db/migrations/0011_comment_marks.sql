CREATE TABLE "poll_comment_marks" (
	"poll_id" integer NOT NULL,
	"tag" text NOT NULL,
	CONSTRAINT "poll_comment_marks_poll_id_tag_pk" PRIMARY KEY("poll_id","tag")
);
--> statement-breakpoint
ALTER TABLE "poll_comment_marks" ADD CONSTRAINT "poll_comment_marks_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;