"""``POST /api/rows`` inserts one row (201), ``GET /healthz`` answers for the benchmark's readiness check."""

from django.http import HttpResponse
from django.urls import path
from ninja import NinjaAPI, Schema

from bench.bare.models import Row

api = NinjaAPI(urls_namespace="bare")


class RowIn(Schema):
    key: str


class RowOut(Schema):
    id: int
    key: str


@api.post("/rows", response={201: RowOut})
def row_insert(request, body: RowIn):
    return 201, Row.objects.create(key=body.key)


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("api/", api.urls), path("healthz", healthz)]
