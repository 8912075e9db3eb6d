ALTER TABLE "directive_deliveries" ALTER COLUMN "chat_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "directive_deliveries" ADD COLUMN "person_id" integer;--> statement-breakpoint
ALTER TABLE "directive_deliveries" ADD COLUMN "dm_platform" text;--> statement-breakpoint
ALTER TABLE "directive_deliveries" ADD COLUMN "dm_external_id" text;--> statement-breakpoint
ALTER TABLE "directive_deliveries" ADD CONSTRAINT "directive_deliveries_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "directive_deliveries_dm_key_uq" ON "directive_deliveries" USING btree ("directive_id","occurrence","person_id","kind");--> statement-breakpoint
ALTER TABLE "directive_deliveries" ADD CONSTRAINT "directive_deliveries_one_recipient" CHECK (("directive_deliveries"."chat_id" is null) <> ("directive_deliveries"."person_id" is null));