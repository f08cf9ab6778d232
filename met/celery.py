import logging
import os

from celery import Celery, Task
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "met.settings")

logger = logging.getLogger(__name__)


class QueueOrLeaveTask(Task):
    """Queuing a task never fails the caller because the broker is down.

    Tasks are queued once the caller's transaction has committed (DESIGN: writes go through services,
    tasks follow on commit). By then the data is saved, so raising would only turn a success into a
    500 and invite a retry that saves it twice. The work is not lost: every e-mail waits in the outbox
    for the periodic sweep, and the sweeps find every reminder that is due.
    """

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except OperationalError as error:
            logger.error("Broker unreachable, task %s not queued (%s); a sweep will catch up", self.name, error)
            return None


app = Celery("met", task_cls=QueueOrLeaveTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
