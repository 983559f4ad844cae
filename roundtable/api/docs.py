"""The API's documentation page: the OpenAPI schema rendered on the server as plain HTML, in
the site's own layout.

django-ninja's own renderers (Swagger UI, Redoc) build the page in the browser and fail
axe-core's checks (WCAG 2.2 AA: contrast, names of controls, landmarks) in ways we cannot
fix from outside. This page is headings, tables and links: valid HTML, readable by a screen
reader and on a phone, no script, within the CSP. The machine-readable schema stays at
/api/v1/openapi.json for tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


def prose_html(text: str) -> SafeString:
    """Plain text with `backticks` as <code>, as the API's descriptions are written."""
    parts = str(text).split("`")
    return format_html_join(
        "", "{}", ((format_html("<code>{}</code>", p) if i % 2 else format_html("{}", p),) for i, p in enumerate(parts))
    )


def schema_anchor(name: str) -> str:
    return f"schema-{name.lower()}"


def type_html(schema: dict[str, Any]) -> SafeString:
    """A JSON schema as a short phrase: `string`, `list of <a>Topic</a>`, `Kind or null`,
    `one of: a, b`. Named schemas link to their table further down the page."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(REF_PREFIX)
        return format_html('<a href="#{}">{}</a>', schema_anchor(name), name)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return mark_safe(" or ".join(type_html(s) for s in schema[key]))  # noqa: S308 - parts escaped above
    if "enum" in schema:
        return format_html("one of: {}", ", ".join(str(v) for v in schema["enum"]))
    kind = schema.get("type", "object")
    if kind == "array":
        return format_html("list of {}", type_html(schema.get("items", {})))
    if "format" in schema:
        return format_html("{} ({})", kind, schema["format"])
    return format_html("{}", kind)


def limits(schema: dict[str, Any]) -> str:
    """Bounds and defaults a caller needs: "max 200 characters", "1 to 100000", "default 40"."""
    parts = []
    if schema.get("minLength"):
        parts.append(f"at least {schema['minLength']} character{pluralize(schema['minLength'])}")
    if "maxLength" in schema:
        parts.append(f"at most {schema['maxLength']} character{pluralize(schema['maxLength'])}")
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and high is not None:
        parts.append(f"{'more than ' if 'exclusiveMinimum' in schema else ''}{low} to {high}")
    elif low is not None:
        parts.append(f"{'more than' if 'exclusiveMinimum' in schema else 'at least'} {low}")
    elif high is not None:
        parts.append(f"at most {high}")
    if "default" in schema and schema["default"] not in ("", None):
        parts.append(f"default {schema['default']}")
    return "; ".join(parts)


def _auth(operation: dict[str, Any]) -> str:
    schemes = [name for entry in operation.get("security", []) for name in entry]
    if not schemes:
        return "No token needed."
    if any(entry == {} for entry in operation.get("security", [])) or all(s.startswith("Optional") for s in schemes):
        return "A token is optional: with one, you also see what your groups hold."
    return "Needs a token: Authorization: Bearer <token>."


def _body(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    for media, spec in content.items():
        return {"media": media, "type": type_html(spec.get("schema", {}))}
    return None


def _responses(operation: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for status, spec in sorted(operation.get("responses", {}).items()):
        media: dict[str, Any] = next(iter(spec.get("content", {}).values()), {})
        schema = media.get("schema")
        rows.append(
            {"status": status, "description": spec.get("description", ""), "type": schema and type_html(schema)}
        )
    return rows


def _fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_html(spec),
            "required": name in required,
            "about": spec.get("description", ""),
            "limits": limits(spec),
        }
        for name, spec in schema.get("properties", {}).items()
    ]


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document as the template's context: operations grouped by tag in the
    order they are declared, then every named schema with its fields."""
    tags: dict[str, list[dict[str, Any]]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            tags.setdefault(tag, []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": prose_html(operation.get("description", "")),
                    "auth": _auth(operation),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": type_html(p.get("schema", {})),
                            "about": p.get("description", ""),
                            "limits": limits(p.get("schema", {})),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _body(operation),
                    "responses": _responses(operation),
                }
            )
    schemas = []
    for name, spec in schema.get("components", {}).get("schemas", {}).items():
        schemas.append(
            {
                "name": name,
                "anchor": schema_anchor(name),
                "about": spec.get("description", ""),
                "enum": format_html_join(", ", "<code>{}</code>", ((v,) for v in spec["enum"]))
                if "enum" in spec
                else "",
                "fields": _fields(spec),
            }
        )
    info = dict(schema.get("info", {}))
    info["description"] = prose_html(info.get("description", ""))
    return {"info": info, "tags": list(tags.items()), "schemas": schemas}


class ReadableDocs(DocsBase):
    """django-ninja's docs hook: renders api/docs.html from the API's OpenAPI schema."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        context = document(dict(schema))
        context["openapi_url"] = self.get_openapi_url(api, kwargs)
        return render(request, "api/docs.html", context)
