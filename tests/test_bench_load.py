"""The load run's CPU shares (bench/load.py): a PostgreSQL backend that ends during a stage is not a negative share."""

from bench.load import cpu_used


def test_a_backend_that_ended_is_left_out_and_a_new_one_counts_from_nothing():
    before = {"gunicorn": 10.0, "worker": 1.0, "machine": 50.0, "postgres_backends": {"101": 4.0, "102": 2.0}}
    # 101 ran on (+1.5 s); 102 closed its connection; 103 is the new connection (0.5 s so far).
    after = {"gunicorn": 16.0, "worker": 1.0, "machine": 60.0, "postgres_backends": {"101": 5.5, "103": 0.5}}
    assert cpu_used(before, after) == {"gunicorn": 6.0, "worker": 0.0, "machine": 10.0, "postgres": 2.0}
