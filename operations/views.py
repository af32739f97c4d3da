from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operations.health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: no login, no case data; 503 when anything a job needs is down."""
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
