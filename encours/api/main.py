"""The REST API (django-ninja); its OpenAPI description is served at /api/openapi.json, docs at /api/docs.

Every endpoint needs a bearer token or a session (``auth.AUTH``) and checks the caller's capability
(``auth.require``); errors are JSON (``errors.install``). See docs/api.md.
"""
from ninja import NinjaAPI, Router

from encours.accounts.roles import Capability
from encours.api import customers, documents, errors, imports, orders, reports
from encours.api.auth import AUTH
from encours.web.decorators import requires

api = NinjaAPI(
    title="Encours API",
    version="1",
    description="Receivables, aged balance and imports. Authenticate with `Authorization: Bearer <token>` "
                "(`encours token create USERNAME`) or a logged-in session.",
    urls_namespace="api",
    auth=AUTH,
    # the description and its browser are for users with a role, like everything else (log in first)
    docs_decorator=requires(Capability.VIEW),
)
errors.install(api)
for module in (customers, documents, reports, imports, orders):
    api.add_router("", module.router)

# Last, so that it only catches what no endpoint answers: a JSON 404 rather than Django's HTML page.
unknown_paths = Router()


@unknown_paths.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None,
                             include_in_schema=False)
def unknown_path(request, rest: str):
    raise errors.not_found("endpoint")


api.add_router("", unknown_paths)
