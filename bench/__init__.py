"""`make bench`: page timings and query counts at demo and large size, and a load run against gunicorn."""
