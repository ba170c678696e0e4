"""The REST API (django-ninja); its OpenAPI description is served at /api/openapi.json."""
from ninja import NinjaAPI

api = NinjaAPI(title="Encours API", version="1", urls_namespace="api")
