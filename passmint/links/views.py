"""Adaptive links as the API prints them, and a visit's outcome as an HTTP answer (a pass file, a
redirect, the landing page, or a refusal as an HTML page for browsers and JSON for programs)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import RedirectResponse, Response

from passmint.kit.files import Download
from passmint.links.multiple import Issued
from passmint.links.schemas import LinkPage, LinkRead, MultipleLinkRead, MultipleLinks
from passmint.links.service import LinkView, expiry, is_expired, link_url
from passmint.links.visits import Outcome, Redirect
from passmint.pages import page_response
from passmint.routing import file_response


def read(found: LinkView, base_url: str) -> LinkRead:
    link, names = found.link, found.template_external_ids
    url = link_url(base_url, link.public_id)
    return LinkRead(
        adaptive_link_id=link.public_id,
        adaptive_link_external_id=link.external_id,
        url=url,
        ios_url=f"{url}/ios",
        android_url=f"{url}/android",
        landing_page_url=link.landing_page_url,
        is_personalized=link.is_personalized,
        is_expired=is_expired(link),
        expiration_date=link.expiration_date,
        expiry=expiry(link),
        available_passes=link.available_passes,
        ttl_in_days=link.ttl_in_days,
        parameter_encoding=link.parameter_encoding,
        location_radius=link.location_radius,
        max_result_locations=link.max_result_locations,
        install_limit=link.install_limit,
        install_limit_per_pass_external_id=link.install_limit_per_pass_external_id,
        ios_template_id=link.ios_template_id,
        ios_template_external_id=names.get(link.ios_template_id) if link.ios_template_id else None,
        android_template_id=link.android_template_id,
        android_template_external_id=(
            names.get(link.android_template_id) if link.android_template_id else None
        ),
        ios_pass_link_id=link.ios_pass_link_id,
        android_pass_link_id=link.android_pass_link_id,
        project_id=link.project_id,
        project_external_id=found.project.external_id,
        payload=link.payload,
        locations=link.locations or None,
        created_at=link.created_at,
        updated_at=link.updated_at,
    )


def page(found: list[LinkView], next_token: str | None, base_url: str) -> LinkPage:
    return LinkPage(links=[read(view, base_url) for view in found], next_page_token=next_token)


def answer(outcome: Outcome, headers: Mapping[str, str]) -> Response:
    """A visit's outcome as HTTP (a refusal is raised, and rendered by ``http_errors``: a small HTML page
    when a browser asked, JSON for a program)."""
    if isinstance(outcome, Download):
        return file_response(outcome)
    if isinstance(outcome, Redirect):
        return RedirectResponse(outcome.url, status_code=302)
    cache = "public, no-cache" if outcome.shared else "private, no-cache"
    return page_response(outcome.html, headers, cache_control=cache)


def multiple(issued: list[Issued], base_url: str) -> MultipleLinks:
    """The multiple link's answer: each person's link, in the request's order, with their journey."""
    links = []
    for one in issued:
        shown = read(one.view, base_url).model_dump()
        shown["status"] = 201 if one.created else 200
        shown[_snake(one.kind.id_key)] = one.journey.id
        shown[_snake(one.kind.external_key)] = one.journey.external_id
        links.append(MultipleLinkRead.model_validate(shown))
    return MultipleLinks(links=links)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
