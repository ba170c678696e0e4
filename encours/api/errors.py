"""Every API error is ``{"error": {"code", "message", "details"}}``; no response ever carries a traceback."""
from __future__ import annotations

import logging

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger("encours.api")

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
}


class ApiError(Exception):
    """A refusal the client can act on: its status, a stable code and a message for a person."""

    def __init__(self, status: int, message: str, *, code: str | None = None, details=None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def _validation_details(errors: list[dict]) -> list[dict]:
    """Where and what, without pydantic's context objects (not always JSON) or the input echoed back."""
    return [{"loc": list(e.get("loc", ())), "message": str(e.get("msg", "")), "type": e.get("type", "")}
            for e in errors]


def install(api: NinjaAPI) -> None:
    def respond(request, status: int, code: str, message: str, details=None):
        return api.create_response(request, error_body(code, message, details), status=status)

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.message, exc.details)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, "unauthenticated",
                       "authentication required: send 'Authorization: Bearer <token>' or log in")

    @api.exception_handler(HttpError)  # ninja's own: CSRF refusal (403), throttling, ...
    def http_error(request, exc: HttpError):
        return respond(request, exc.status_code, CODES.get(exc.status_code, "error"), exc.message)

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        return respond(request, 422, "invalid_request", "the request's parameters are not valid",
                       _validation_details(exc.errors))

    @api.exception_handler(Http404)
    def missing(request, exc):
        return respond(request, 404, "not_found", "not found")

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        # The last resort: the traceback goes to the log, the client gets a generic message.
        logger.error("unexpected error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500, "internal_error", "an unexpected error occurred; it has been logged")
