"""Jobs: the queue port (``JobQueue``), the in-process queues, and Celery on Redis/RabbitMQ."""

from clearnote.jobs.queue import InProcessQueue, JobQueue, ThreadQueue
from clearnote.jobs.types import QUEUE_OF, STAGES, PipelineOptions, StageJob

__all__ = [
    "QUEUE_OF",
    "STAGES",
    "InProcessQueue",
    "JobQueue",
    "PipelineOptions",
    "StageJob",
    "ThreadQueue",
]
