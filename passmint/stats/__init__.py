"""Statistics (unique passes by state) and activity (events per day) of projects, templates and tags."""
