"""manage.py add_municipality SLUG --name NAME --country DK|SE|NO --center SLUG: onboarding in one command."""

from django.core.management.base import BaseCommand, CommandError

from civicdesk.lib.errors import DomainError
from civicdesk.organisations import services
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Country


class Command(BaseCommand):
    help = (
        "Add a municipality (or take an existing one) and let it join a service centre, creating the centre if needed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--country", required=True, choices=Country.values)
        parser.add_argument("--center", required=True, help="Slug of the service centre; created when missing.")
        parser.add_argument("--center-name", default="", help="Name for a centre that is created now.")

    def handle(self, *args, slug, name, country, center, center_name, **options):
        try:
            municipality, service_center, membership = services.municipality_onboard(
                actor=SYSTEM,
                slug=slug,
                name=name,
                country=country,
                center_slug=center,
                center_name=center_name,
            )
        except DomainError as error:
            raise CommandError(f"{error.message}{self._details(error)}") from None
        self.stdout.write(
            f"{municipality.name} [{municipality.slug}] is served by {service_center.name} [{service_center.slug}] "
            f"from {membership.joined_at:%Y-%m-%d %H:%M} UTC."
        )

    @staticmethod
    def _details(error: DomainError) -> str:
        return f" ({error.field})" if error.field else ""
