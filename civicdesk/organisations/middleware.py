"""Resolves who is asking (``request.actor``) and sets their language and their municipality's time zone."""

import zoneinfo

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from civicdesk.organisations import selectors


class ActorMiddleware:
    """After authentication: the actor is the signed-in user (API tokens are resolved by the API's auth).

    A user's saved language wins over the browser's, unless the request asks for one with ``?lang=``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            # A token call: the API's authentication sets the actor; no session user to look up.
            request.actor = AnonymousUser()
            return self.get_response(request)
        user = request.user
        request.actor = user
        requested = request.GET.get("lang")
        if requested and translation.check_for_language(requested):
            translation.activate(requested)
            request.LANGUAGE_CODE = requested
        elif user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        zone = selectors.time_zone_of(actor=user) if user.is_authenticated else None
        if zone:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
