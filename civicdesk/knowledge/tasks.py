"""Background work of the knowledge base: reminding keepers of articles due for review."""

from django_tasks import task


@task()
def review_reminders() -> int:
    from civicdesk.knowledge import services
    from civicdesk.organisations.access import SYSTEM

    return services.review_reminders_send(actor=SYSTEM)
