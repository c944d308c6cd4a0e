"""``clearnote worker [--queues asr,text]``: a Celery worker for the pipeline's stage jobs
(``CLEARNOTE_QUEUE_URL``). Run ASR workers on GPU hosts (``--queues asr``) and text workers
anywhere (``--queues text``)."""

from __future__ import annotations

import click

from clearnote.config import load_settings


@click.command("worker")
@click.option(
    "--queues", default="asr,text", show_default=True, help="queues to consume: asr, text"
)
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "solo", "threads"]),
    default="prefork",
    show_default=True,
    help="solo: one process, jobs one at a time",
)
@click.option(
    "--loglevel",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    default="INFO",
    show_default=True,
)
def worker(queues: str, concurrency: int, pool: str, loglevel: str) -> None:
    """Run stage jobs from the queue until stopped."""
    from clearnote.jobs.celery_queue import run_worker
    from clearnote.jobs.types import parse_queues

    names = parse_queues(queues)
    run_worker(load_settings(), queues=names, concurrency=concurrency, pool=pool, loglevel=loglevel)


def register(cli: click.Group) -> None:
    cli.add_command(worker)
