"""Landing page views per second on a running server, printed as one JSON object.

Starts ``passmint serve`` (see ``issue_passes.server``), makes ``--passes`` passes of the reference's
Apple template, then opens their public links as a desktop browser: ``first_views_per_s`` is each pass's
first view (the pass signed, unzipped and drawn), ``page_views_per_s`` the views after (the drawn page
kept), ``revalidations_per_s`` views that send the page's ETag back (304), and ``file_per_s`` the same
links fetched as a phone (the signed file) for comparison."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.issue_passes import api_key, coupon_template, issue_pass, server, timed

DESKTOP = {
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en-GB,en;q=0.9",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0",
}
PHONE = {"accept": "*/*", "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"}


async def run(url: str, auth: tuple[str, str], passes: int, views: int, concurrency: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, auth=auth, limits=limits, timeout=60) as client:
        template_id = await coupon_template(client)
        links: list[str] = []
        for index in range(passes):
            pass_id = await issue_pass(client, template_id, index)
            found = (await client.get(f"/v1/pass/{pass_id}")).raise_for_status().json()
            links.append(httpx.URL(found["publicUrl"]["path"]).path)
        tags: dict[str, str] = {}

        async def first(index: int) -> None:
            response = (await client.get(links[index], headers=DESKTOP)).raise_for_status()
            assert response.headers["content-type"].startswith("text/html")
            tags[links[index]] = response.headers["etag"]

        async def view(index: int) -> None:
            response = await client.get(links[index % passes], headers=DESKTOP)
            assert response.raise_for_status().headers["content-type"].startswith("text/html")

        async def revalidate(index: int) -> None:
            link = links[index % passes]
            response = await client.get(link, headers={**DESKTOP, "if-none-match": tags[link]})
            assert response.status_code == 304

        async def file(index: int) -> None:
            response = await client.get(links[index % passes], headers=PHONE)
            assert response.raise_for_status().headers["content-type"] == "application/vnd.apple.pkpass"

        first_s = await timed(passes, concurrency, first)
        view_s = await timed(views, concurrency, view)
        revalidate_s = await timed(views, concurrency, revalidate)
        file_s = await timed(views, concurrency, file)
    return {
        "first_views_per_s": round(passes / first_s, 1),
        "page_views_per_s": round(views / view_s, 1),
        "revalidations_per_s": round(views / revalidate_s, 1),
        "file_per_s": round(views / file_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=50, help="distinct passes (and pages)")
    parser.add_argument("--views", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="API processes (uvicorn workers)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    with server(args.database_url, args.workers) as (url, env):
        auth = api_key(env)
        rates = asyncio.run(run(url, auth, args.passes, args.views, args.concurrency))
    database = "postgresql" if args.database_url else "sqlite"
    print(json.dumps({"database": database, "workers": args.workers, "concurrency": args.concurrency,
                      "passes": args.passes, "views": args.views, **rates}))  # fmt: skip


if __name__ == "__main__":
    main()
