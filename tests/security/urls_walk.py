"""Every URL pattern of the site, found by walking the resolver rather than listed by hand."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

ADMIN_UNNAMED = {"<path:object_id>/", "(?P<url>.*)$"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str
    params: tuple  # the names the pattern captures

    @property
    def namespace(self):
        return self.name.split(":", 1)[0] if ":" in self.name else ""


def all_routes():
    """Each named pattern once, with its full pattern and the parameters it captures."""
    routes = {}

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                if not entry.name:
                    # The admin's two unnamed patterns, each model's "<id>/" redirect and the catch-all that
                    # answers any other admin address: test_every_url builds their addresses itself.
                    if namespace == "admin" and str(entry.pattern) in ADMIN_UNNAMED:
                        continue
                    raise AssertionError(f"Unnamed URL pattern {prefix}{entry.pattern}: name it so tests can reach it")
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                params = tuple(entry.pattern.regex.groupindex)
                routes.setdefault(name, Route(name, prefix + str(entry.pattern), params))

    walk(get_resolver(), "", "")
    return list(routes.values())
