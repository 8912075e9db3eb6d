CREATE TABLE "send_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"next_at_ms" double precision NOT NULL
);
