"""Visits per second to an adaptive link's iPhone and Android addresses and its landing page, beside raw
.pkpass signing, as one JSON object.

Starts ``passmint serve`` on a free loopback port against a fresh database (SQLite by default, or
``--database-url postgresql+asyncpg://...``), makes an Apple coupon template and a Google loyalty template
and two adaptive links of them through the API, one non-personalised (every visit gets the same pass: it
is made and signed once, its save link minted once per ``SAVE_LINK_KEPT``) and one personalised (every
visit makes, stores and signs a new pass), then opens ``GET /v1/pass/adaptive/{id}/ios`` and
``.../android`` ``--visits`` times each with ``--concurrency`` in flight, without credentials, as phones
do, and downloads the shared pass by id with credentials as often (the same signed bytes through the
authenticated route: the visit's own baseline). The raw rate of building and
signing a typical .pkpass in this process (``pkpass_throughput.measure``) is measured in the same run,
so the figures compare across machines. ``landing_page_views`` opens the non-personalised link as a desktop
browser (the page drawn once, then kept) and ``landing_page_revalidations`` sends its ETag back (304).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from itertools import product
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import api_key, server
from benchmarks.pkpass_throughput import IMAGES, PASS_TYPE_ID, TEAM_ID, make_png, measure
from benchmarks.webservice import load
from passmint.apple import PassSigner, make_dev_certificates
from tests.factories import GOOGLE_TEMPLATE, PROJECT, apple_template

PKPASS = "application/vnd.apple.pkpass"
DESKTOP = {
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-GB,en;q=0.9",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0",
}


async def visits(url: str, auth: tuple[str, str], count: int, concurrency: int) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=url, auth=auth, timeout=60) as api:
        project = (await api.post("/v1/project", json=PROJECT)).raise_for_status().json()
        made = [
            await api.post(f"/v1/template/{project['id']}", json=body)
            for body in (apple_template(), GOOGLE_TEMPLATE)
        ]
        template_id, google_id = (answer.raise_for_status().json()["templateId"] for answer in made)
        links = {}
        for name, personal in (("shared", False), ("personalised", True)):
            body = {"iosTemplateId": template_id, "androidTemplateId": google_id, "payload": {},
                    "isPersonalized": personal}  # fmt: skip
            links[name] = (await api.post("/v1/links/adaptive", json=body)).raise_for_status().json()
    limits = httpx.Limits(max_connections=concurrency)
    results: dict[str, object] = {}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as phone:
        for (name, link), device in product(links.items(), ("ios", "android")):
            path = f"/v1/pass/adaptive/{link['adaptiveLinkId']}/{device}"

            async def visit(_index: int, path: str = path, device: str = device) -> int:
                response = await phone.get(path)
                if device == "ios":
                    assert response.status_code != 200 or response.headers["content-type"] == PKPASS
                else:
                    assert response.status_code != 302 or response.headers["location"].startswith("https://")
                return response.status_code

            for _ in range(2):  # the shared pass is made by the first visit, kept by the next
                await visit(0)
            key = f"{name}_visits" if device == "ios" else f"{name}_android_visits"
            results[key] = await load(count, concurrency, visit)
        results |= await landing(
            phone, f"/v1/pass/adaptive/{links['shared']['adaptiveLinkId']}", count, concurrency
        )
    async with httpx.AsyncClient(base_url=url, auth=auth, limits=limits, timeout=60) as api:
        made = await api.get(f"/v1/links/adaptive/{links['shared']['adaptiveLinkId']}/passes")
        pass_id = next(
            item["id"] for item in made.raise_for_status().json()["passes"] if item["platform"] == "ios"
        )

        async def download(_index: int) -> int:
            return (await api.get(f"/v1/pass/{pass_id}/download")).status_code

        results["same_pass_download_by_id"] = await load(count, concurrency, download)
    return results


async def landing(browser: httpx.AsyncClient, path: str, count: int, concurrency: int) -> dict[str, object]:
    """Page views of a link's landing page as a desktop browser, and revalidations with its ETag (304)."""
    first = (await browser.get(path, headers=DESKTOP)).raise_for_status()
    assert first.headers["content-type"].startswith("text/html")
    tag = first.headers["etag"]

    async def view(_index: int) -> int:
        response = await browser.get(path, headers=DESKTOP)
        assert response.status_code != 200 or response.headers["content-type"].startswith("text/html")
        return response.status_code

    async def revalidate(_index: int) -> int:
        return (await browser.get(path, headers={**DESKTOP, "if-none-match": tag})).status_code

    return {
        "landing_page_views": await load(count, concurrency, view),
        "landing_page_revalidations": await load(count, concurrency, revalidate),
    }


def signing_rate(n: int) -> dict[str, float]:
    """Typical passes built and signed per second in this process, and raw RSA signatures per second."""
    certs = make_dev_certificates(PASS_TYPE_ID, TEAM_ID)
    signer = PassSigner.from_pem(certs.pass_cert, certs.pass_key, certs.wwdr)
    key = serialization.load_pem_private_key(certs.pass_key, None)
    assert isinstance(key, rsa.RSAPrivateKey)
    files = {name: make_png(w, h, noise, seed) for seed, (name, (w, h, noise)) in enumerate(IMAGES.items())}
    passes_per_s, sign_per_s = measure(n, 5, signer, key, files)
    return {"pkpass_build_per_s": round(passes_per_s, 1), "raw_sign_per_s": round(sign_per_s, 1)}


def _rate(result: object) -> object:
    assert isinstance(result, dict)
    return result["per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=2_000, help="visits to each link")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="API processes (uvicorn workers)")
    parser.add_argument("--signs", type=int, default=500, help="passes to sign for the raw rate")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    with server(args.database_url, args.workers) as (url, env):
        auth = api_key(env)
        results = asyncio.run(visits(url, auth, args.visits, args.concurrency))
    signing = signing_rate(args.signs)
    shared = results["shared_visits"]
    personal = results["personalised_visits"]
    pages, revalidations = results["landing_page_views"], results["landing_page_revalidations"]
    assert isinstance(shared, dict) and isinstance(personal, dict)
    assert isinstance(pages, dict) and isinstance(revalidations, dict)
    ratios = {
        "shared_to_pkpass_build": round(shared["per_s"] / signing["pkpass_build_per_s"], 3),
        "personalised_to_pkpass_build": round(personal["per_s"] / signing["pkpass_build_per_s"], 3),
        "android_shared_visits_per_s": _rate(results["shared_android_visits"]),
        "android_personalised_visits_per_s": _rate(results["personalised_android_visits"]),
        "landing_page_views_per_s": pages["per_s"],
        "landing_page_revalidations_per_s": revalidations["per_s"],
    }
    database = "postgresql" if args.database_url else "sqlite"
    print(json.dumps({"database": database, "workers": args.workers, "concurrency": args.concurrency,
                      **results, **signing, **ratios}))  # fmt: skip


if __name__ == "__main__":
    main()
