"""One job runtime for every product: a row per job (`Job`), claimed, leased, retried and swept here.

A product subclasses `Job` in its own models.py, names the Celery task that runs a row (`task_name`),
and calls `run_job(Model, job_id, work)` from that task. The platform finds the subclasses through the
app registry, so it never imports a product.
"""
