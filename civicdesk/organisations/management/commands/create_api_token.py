"""manage.py create_api_token --center SLUG | --municipality SLUG [--permission …]: prints a token once."""

from django.core.management.base import BaseCommand, CommandError

from civicdesk.lib.errors import DomainError, NotFound
from civicdesk.organisations import selectors, services
from civicdesk.organisations.access import SYSTEM, Permission


class Command(BaseCommand):
    help = "Make an API token for an integration, scoped to a centre or a municipality. The secret is printed once."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--center")
        scope.add_argument("--municipality")
        parser.add_argument("--name", default="integration")
        parser.add_argument(
            "--permission",
            action="append",
            choices=Permission.ALL,
            help="Repeat for several; default: read.",
        )

    def handle(self, *args, center, municipality, name, permission, **options):
        try:
            center_obj = selectors.center_get(actor=SYSTEM, slug=center) if center else None
            municipality_obj = selectors.municipality_get(actor=SYSTEM, slug=municipality) if municipality else None
        except NotFound:
            raise CommandError(f"No centre or municipality called {center or municipality}.") from None
        try:
            token, secret = services.api_token_create(
                actor=SYSTEM,
                name=name,
                permissions=permission or [Permission.READ],
                center=center_obj,
                municipality=municipality_obj,
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stderr.write(f"Token {token.prefix} ({', '.join(token.permissions)}); the secret is shown only now:")
        self.stdout.write(secret)
