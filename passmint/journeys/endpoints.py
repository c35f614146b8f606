"""Routes of ``/v1/flights/project/...`` and ``/v1/events/project/...``: wiring only, one factory for both."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from passmint.deps import AccountDep, SessionDep, SettingsDep, page_params
from passmint.http_errors import documented
from passmint.journeys import schemas, views
from passmint.journeys import service as journey_service
from passmint.journeys.kinds import EVENT, FLIGHT, Kind
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import Ref
from passmint.passes import views as pass_views
from passmint.passes.schemas import PASS_ORDERS, InstallStatus, PassList
from passmint.routing import ProjectRef, ref_slot

PageDep = Annotated[PageRequest, Depends(page_params(PASS_ORDERS))]
StatusQuery = Annotated[InstallStatus | None, Query(description="Install status to filter by.")]
GroupName = Annotated[str, Path(alias="passGroup", min_length=1, max_length=255)]
ExternalId = Annotated[str, Path(max_length=255)]


def _router(kind: Kind, read: type[Any], groups: type[Any], group_update: type[Any]) -> APIRouter:
    """The routes of one kind (flights or events): group updates first, so that their
    ``/id/passGroups/...`` spelling is not read as an external id."""
    router = APIRouter(prefix=f"/{kind.name}s/project", tags=[f"{kind.title}s"])
    _group_update_routes(router, kind, group_update)
    _create_routes(router, kind, read)
    _journey_routes(router, kind, read)
    _group_routes(router, kind, groups)
    return router


def _slot(kind: Kind) -> tuple[str, Any]:
    """The journey's path slot (``{flightId:ref}``) and its dependency."""
    return "{%s:ref}" % kind.id_key, ref_slot(kind.id_key)  # noqa: UP031 - a path slot, not a format


def _group_update_routes(router: APIRouter, kind: Kind, group_update: type[Any]) -> None:
    async def update_group(
        project: ProjectRef,
        name: GroupName,
        body: schemas.GroupChange,
        account: AccountDep,
        session: SessionDep,
    ) -> Any:
        ids = await journey_service.update_group(session, account, kind, project, name, body.fields)
        return views.group_update(kind, name, ids)

    for path, summary in (
        ("/{projectId:ref}/passGroups/{passGroup}", f"Update all {kind.name}s in a pass group"),
        (
            "/{projectId:ref}/id/passGroups/{passGroup}",
            f"Update all {kind.name}s in a pass group (/id/ spelling)",
        ),
    ):
        operation = f"update_{kind.name}_group" + ("_id" if "/id/" in path else "")
        router.add_api_route(
            path, update_group, methods=["PUT"], response_model=group_update, summary=summary,
            responses=documented(400, 404), operation_id=operation,
        )  # fmt: skip


def _create_routes(router: APIRouter, kind: Kind, read: type[Any]) -> None:
    @router.post(
        "/{projectId:ref}",
        response_model=read,
        status_code=kind.created_status,
        summary=f"Create {kind.name}",
    )
    async def create(
        project: ProjectRef, body: schemas.JourneyBody, account: AccountDep, session: SessionDep
    ) -> Any:
        view, _created = await journey_service.create(session, account, kind, project, body, None)
        return views.read(kind, view)

    @router.post(
        "/{projectId:ref}/id/{externalId}",
        response_model=read,
        status_code=kind.created_status,
        summary=f"Create or update {kind.name} by external id",
        operation_id=f"upsert_{kind.name}",
    )
    async def upsert(
        project: ProjectRef,
        external_id: Annotated[str, Path(alias="externalId", max_length=255)],
        body: schemas.JourneyBody,
        account: AccountDep,
        session: SessionDep,
        response: Response,
    ) -> Any:
        view, created = await journey_service.create(session, account, kind, project, body, external_id)
        response.status_code = kind.created_status if created else 200
        return views.read(kind, view)


def _journey_routes(router: APIRouter, kind: Kind, read: type[Any]) -> None:
    one, slot = _slot(kind)

    @router.get(
        f"/{{projectId:ref}}/{one}",
        response_model=read,
        summary=f"Get {kind.name}",
        responses=documented(404),
    )
    async def get(project: ProjectRef, account: AccountDep, session: SessionDep, ref: Ref = slot) -> Any:
        return views.read(kind, await journey_service.get(session, account, kind, project, ref))

    @router.put(
        f"/{{projectId:ref}}/{one}",
        response_model=read,
        summary=f"Update {kind.name}",
        responses=documented(400, 404),
    )
    async def update(
        project: ProjectRef,
        body: schemas.JourneyBody,
        account: AccountDep,
        session: SessionDep,
        ref: Ref = slot,
    ) -> Any:
        return views.read(kind, await journey_service.update(session, account, kind, project, ref, body))

    @router.delete(f"/{{projectId:ref}}/{one}", response_model=schemas.Deleted, summary=f"Delete {kind.name}")
    async def delete(project: ProjectRef, account: AccountDep, session: SessionDep, ref: Ref = slot) -> Any:
        await journey_service.delete(session, account, kind, project, ref)
        return schemas.Deleted(ok=True)


def _group_routes(router: APIRouter, kind: Kind, groups: type[Any]) -> None:
    one, slot = _slot(kind)

    @router.get(
        f"/{{projectId:ref}}/{one}/passGroups",
        response_model=groups,
        summary=f"List a {kind.name}'s pass groups",
    )
    async def list_groups(
        project: ProjectRef, account: AccountDep, session: SessionDep, ref: Ref = slot
    ) -> Any:
        return views.groups(kind, await journey_service.groups(session, account, kind, project, ref))

    @router.post(
        f"/{{projectId:ref}}/{one}/passGroups",
        response_model=groups,
        summary=f"Add a {kind.name} to pass groups",
    )
    async def add_groups(
        project: ProjectRef,
        body: schemas.GroupsBody,
        account: AccountDep,
        session: SessionDep,
        ref: Ref = slot,
    ) -> Any:
        view = await journey_service.add_groups(session, account, kind, project, ref, body.pass_groups)
        return views.groups(kind, view)

    @router.delete(
        f"/{{projectId:ref}}/{one}/passGroups/{{passGroup}}",
        summary=f"Remove a {kind.name} from a pass group",
        responses=documented(400, 404),
    )
    async def remove_group(
        project: ProjectRef, name: GroupName, account: AccountDep, session: SessionDep, ref: Ref = slot
    ) -> dict[str, Any]:
        await journey_service.remove_group(session, account, kind, project, ref, name)
        return {}

    @router.get(
        f"/{{projectId:ref}}/{one}/passes", response_model=PassList, summary=f"List passes for a {kind.name}"
    )
    async def list_passes(
        project: ProjectRef,
        account: AccountDep,
        session: SessionDep,
        settings: SettingsDep,
        page: PageDep,
        status: StatusQuery = None,
        ref: Ref = slot,
    ) -> PassList:
        found = await journey_service.list_passes(session, account, kind, project, ref, page, status)
        return pass_views.listing(found, page, settings.base_url)


flights = _router(FLIGHT, schemas.FlightRead, schemas.FlightGroups, schemas.FlightGroupUpdate)
events = _router(EVENT, schemas.EventRead, schemas.EventGroups, schemas.EventGroupUpdate)
