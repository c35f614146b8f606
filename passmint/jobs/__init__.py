"""The job queue: durable, retried background work. It knows no domain; domains register handlers."""
