"""``POST /links/adaptive/multiple/project/{projectId}``: a link and a pass per passenger or attendee,
showing their flight or event, which a change to the flight then reaches."""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from typing import Any

import httpx

from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from tests.conftest import ApiClient
from tests.factories import GOOGLE_TEMPLATE, apple_template, create_project, create_template
from tests.journeys.conftest import EVENT, FLIGHT, document
from tests.pushes.apns_standin import ApnsStandIn
from tests.pushes.conftest import hold

PERSON_FIELDS = {
    name: {"label": label, "value": "", "fieldType": group, "formatType": "String"}
    for name, label, group in [
        ("departureGate", "Gate", "primary"),
        ("departureAirport", "From", "primary"),
        ("seatNumber", "Seat", "secondary"),
        ("passengerName", "Passenger", "secondary"),
        ("confirmationCode", "Confirmation", "auxiliary"),
        ("eventName", "Event", "primary"),
        ("seat", "Seat", "secondary"),
    ]
}


async def boarding(api: httpx.AsyncClient) -> tuple[int, int]:
    project = await create_project(api, name="Air", projectType="boardingPass")
    template = apple_template(projectType="boardingPass", fields=copy.deepcopy(PERSON_FIELDS))
    return project["id"], await create_template(api, project["id"], template)


async def move_gate(api: httpx.AsyncClient, project_id: int, gate: str) -> None:
    """The departure gate of ``boarding_body``'s flight changed through its pass group."""
    response = await api.put(
        f"/v1/flights/project/{project_id}/passGroups/sfo-pdx-20250319",
        json={"fields": {"departureGate": {"value": gate}}},
    )
    assert response.status_code == 200, response.text


def passenger(seat: str, name: str, external_id: str | None = None) -> dict[str, Any]:
    fields = {
        "seatNumber": {"value": seat},
        "passengerName": {"value": name},
        "confirmationCode": {"value": "E4583B"},
        "barcode_value": {"value": f"BC-{seat}"},
        "barcodeAltText": {"value": f"BC-{seat}"},
    }
    return {"fields": fields} | ({"adaptiveLinkExternalId": external_id} if external_id else {})


def boarding_body(template_id: int, passengers: list[dict[str, Any]], **flight: Any) -> dict[str, Any]:
    item = copy.deepcopy(FLIGHT) | {"flightExternalId": "wn815"} | flight | {"passengers": passengers}
    return {"iosTemplateId": template_id, "payload": {"flights": [item]}}


async def issue(api: httpx.AsyncClient, project_id: int, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = await api.post(f"/v1/links/adaptive/multiple/project/{project_id}", json=body)
    assert response.status_code == 200, response.text
    return response.json()["links"]  # type: ignore[no-any-return]


async def pass_of(api: httpx.AsyncClient, link: dict[str, Any]) -> dict[str, Any]:
    listed = await api.get(f"/v1/links/adaptive/{link['adaptiveLinkId']}/passes")
    assert listed.status_code == 200 and listed.json()["count"] == 1, listed.text
    return listed.json()["passes"][0]  # type: ignore[no-any-return]


async def pass_json(api: httpx.AsyncClient, pass_id: int) -> dict[str, Any]:
    response = await api.get(f"/v1/pass/{pass_id}/download")
    assert response.status_code == 200, response.text
    return document(response.content)


def field(shown: dict[str, Any], key: str) -> object:
    for group in shown["boardingPass"].values():
        for item in group if isinstance(group, list) else []:
            if item["key"] == key:
                return item["value"]
    raise AssertionError(f"no field {key}")


class TestBoardingPasses:
    async def test_three_passengers_then_a_gate_change_reaches_each_pass_with_its_own_seat(
        self, api: ApiClient, database: Database, apns: ApnsStandIn, push_context: JobContext
    ) -> None:
        project_id, template_id = await boarding(api)
        people = [passenger("13A", "SMITH/JOE", "joe"), passenger("13B", "SMITH/SALLY", "sally"),
                  passenger("13C", "SMITH/SAM", "sam")]  # fmt: skip
        links = await issue(api, project_id, boarding_body(template_id, people))
        assert [link["adaptiveLinkExternalId"] for link in links] == ["joe", "sally", "sam"]
        assert {link["status"] for link in links} == {201}
        flight_id = links[0]["flightId"]
        assert {link["flightId"] for link in links} == {flight_id}
        assert {link["flightExternalId"] for link in links} == {"wn815"}
        pass_ids = [(await pass_of(api, link))["id"] for link in links]
        listed = await api.get(f"/v1/flights/project/{project_id}/{flight_id}/passes?direction=ASC")
        assert [item["id"] for item in listed.json()["passes"]] == pass_ids
        first = await pass_json(api, pass_ids[0])
        assert (field(first, "seatNumber"), field(first, "departureGate")) == ("13A", "25")
        assert first["barcodes"][0]["message"] == "BC-13A"
        devices = await hold(database, pass_ids)
        await Worker(database, push_context).run_until_idle()
        apns.requests.clear()

        await move_gate(api, project_id, "21")
        await Worker(database, push_context).run_until_idle()

        assert Counter(request.token for request in apns.requests) == Counter(devices)
        for pass_id, seat, name in zip(pass_ids, ["13A", "13B", "13C"], ["JOE", "SALLY", "SAM"], strict=True):
            shown = await pass_json(api, pass_id)
            assert field(shown, "seatNumber") == seat
            assert field(shown, "passengerName") == f"SMITH/{name}"
            assert field(shown, "departureGate") == "21"
            assert shown["semantics"]["departureGate"] == "21"

    async def test_links_are_upserted_by_external_id_in_the_order_of_the_request(
        self, api: ApiClient
    ) -> None:
        project_id, template_id = await boarding(api)
        people = [passenger("13A", "SMITH/JOE", "joe"), passenger("13B", "SMITH/SALLY", "two"),
                  passenger("13C", "SMITH/SAM", "two")]  # fmt: skip
        links = await issue(api, project_id, boarding_body(template_id, people))
        assert [link["status"] for link in links] == [201, 201, 200]
        assert links[1]["adaptiveLinkId"] == links[2]["adaptiveLinkId"] != links[0]["adaptiveLinkId"]
        shared = await pass_of(api, links[1])
        assert field(await pass_json(api, shared["id"]), "seatNumber") == "13C"  # the later entry wins

        again = await issue(
            api, project_id, boarding_body(template_id, [passenger("14A", "SMITH/JOE", "joe")])
        )
        assert again[0]["status"] == 200 and again[0]["adaptiveLinkId"] == links[0]["adaptiveLinkId"]
        assert again[0]["flightId"] == links[0]["flightId"]  # the same flight, by its external id
        moved = await pass_of(api, again[0])
        assert moved["id"] == (await pass_of(api, links[0]))["id"]
        assert field(await pass_json(api, moved["id"]), "seatNumber") == "14A"
        listed = await api.get(f"/v1/flights/project/{project_id}/{links[0]['flightId']}/passes")
        assert listed.json()["count"] == 2

    async def test_an_existing_flight_is_kept_when_updates_are_not_permitted(self, api: ApiClient) -> None:
        project_id, template_id = await boarding(api)
        made = await api.post(f"/v1/flights/project/{project_id}", json=FLIGHT)
        flight_id = made.json()["flightId"]
        body = boarding_body(template_id, [passenger("1A", "DOE/JANE")], flightId=flight_id)
        body["payload"]["flights"][0]["fields"]["departureGate"] = {"value": "99"}
        body["payload"]["isFlightUpdatePermitted"] = False
        links = await issue(api, project_id, body)
        assert links[0]["flightId"] == flight_id and links[0]["status"] == 201
        assert "adaptiveLinkExternalId" not in links[0]
        shown = await api.get(f"/v1/flights/project/{project_id}/{flight_id}")
        assert shown.json()["fields"]["departureGate"]["value"] == "25"
        assert field(await pass_json(api, (await pass_of(api, links[0]))["id"]), "departureGate") == "25"

    async def test_a_personalised_link_attaches_each_pass_it_makes(self, api: ApiClient) -> None:
        project_id, template_id = await boarding(api)
        body = boarding_body(template_id, [passenger("1A", "DOE/JANE", "jane")]) | {"isPersonalized": True}
        links = await issue(api, project_id, body)
        flight_passes = f"/v1/flights/project/{project_id}/{links[0]['flightId']}/passes"
        assert (await api.get(flight_passes)).json()["count"] == 0
        opened = await api.get(f"/v1/pass/adaptive/{links[0]['adaptiveLinkId']}/ios")
        assert opened.status_code == 200
        assert field(document(opened.content), "seatNumber") == "1A"
        assert (await api.get(flight_passes)).json()["count"] == 1


class TestBothPlatforms:
    async def test_each_passenger_gets_an_apple_and_a_google_pass_of_the_flight(self, api: ApiClient) -> None:
        project_id, apple_id = await boarding(api)
        google = copy.deepcopy(GOOGLE_TEMPLATE) | {"projectType": "boardingPass"}
        google["textModulesData"] = {
            name: {"header": name, "body": "", "row": row, "col": 0}
            for row, name in enumerate(["seatNumber", "passengerName", "confirmationCode"])
        }
        google_id = await create_template(api, project_id, google)
        body = boarding_body(
            apple_id, [passenger("13A", "SMITH/JOE", "joe"), passenger("13B", "SMITH/SALLY")]
        )
        links = await issue(api, project_id, body | {"androidTemplateId": google_id})
        assert [link["androidTemplateId"] for link in links] == [google_id, google_id]
        listed = await api.get(f"/v1/flights/project/{project_id}/{links[0]['flightId']}/passes")
        assert listed.json()["count"] == 4
        assert sorted(item["platform"] for item in listed.json()["passes"]) == ["android"] * 2 + ["ios"] * 2


class TestEventTickets:
    async def test_one_ticket_per_attendee_listed_by_the_event(self, api: ApiClient) -> None:
        project = await create_project(api, name="Ballpark", projectType="eventTicket")
        fields = {name: PERSON_FIELDS[name] for name in ("eventName", "seat")}
        template_id = await create_template(
            api, project["id"], apple_template(projectType="eventTicket", fields=copy.deepcopy(fields))
        )
        attendees = [{"adaptiveLinkExternalId": f"fan{seat}", "fields": {"seat": {"value": str(seat)}}}
                     for seat in (33, 34)]  # fmt: skip
        item = copy.deepcopy(EVENT) | {"eventExternalId": "giants", "attendees": attendees}
        body = {"iosTemplateId": template_id, "payload": {"events": [item]}}
        links = await issue(api, project["id"], body)
        assert [link["adaptiveLinkExternalId"] for link in links] == ["fan33", "fan34"]
        assert {link["eventExternalId"] for link in links} == {"giants"}
        listed = await api.get(f"/v1/events/project/{project['id']}/{links[0]['eventId']}/passes")
        assert listed.status_code == 200 and listed.json()["count"] == 2


class TestRefusals:
    async def test_bad_bodies_are_400s_naming_the_field_and_write_nothing(self, api: ApiClient) -> None:
        project_id, template_id = await boarding(api)
        target = f"/v1/links/adaptive/multiple/project/{project_id}"
        no_journey = {"iosTemplateId": template_id, "payload": {}}
        pass_link = boarding_body(template_id, [passenger("1A", "A/B")]) | {
            "iosPassLinkId": "44e128a5-ac7a-4c9a-be4c-224b6bf81b20"
        }
        nothing_named = boarding_body(template_id, [passenger("1A", "A/B")])
        del (
            nothing_named["payload"]["flights"][0]["fields"],
            nothing_named["payload"]["flights"][0]["flightExternalId"],
        )
        no_people = boarding_body(template_id, [])
        unknown_field = boarding_body(template_id, [{"fields": {"shoeSize": {"value": "44"}}}])
        for body, named in [(no_journey, "flights"), (pass_link, "PassLinkId"), (nothing_named, "fields"),
                            (no_people, "passengers"), (unknown_field, "shoeSize")]:  # fmt: skip
            response = await api.post(target, json=body)
            assert response.status_code == 400, response.text
            assert named in response.text
        assert (await api.get(f"/v1/flights/project/{project_id}/id/wn815")).status_code == 404
        assert (await api.get(f"/v1/links/adaptive/projects/{project_id}")).json()["links"] == []

    async def test_an_external_id_of_an_ordinary_link_is_a_409(self, api: ApiClient) -> None:
        project_id, template_id = await boarding(api)
        ordinary = await api.post(
            f"/v1/links/adaptive/project/{project_id}/id/joe",
            json={"iosTemplateId": template_id, "payload": {}},
        )
        assert ordinary.status_code == 200, ordinary.text
        body = boarding_body(template_id, [passenger("1A", "SMITH/JOE", "joe")])
        response = await api.post(f"/v1/links/adaptive/multiple/project/{project_id}", json=body)
        assert response.status_code == 409

    async def test_an_unknown_flight_or_project_is_a_404(self, api: ApiClient) -> None:
        project_id, template_id = await boarding(api)
        body = boarding_body(template_id, [passenger("1A", "A/B")], flightId=999999)
        del body["payload"]["flights"][0]["flightExternalId"]
        assert (
            await api.post(f"/v1/links/adaptive/multiple/project/{project_id}", json=body)
        ).status_code == 404
        assert (await api.post("/v1/links/adaptive/multiple/project/999999", json=body)).status_code == 404


class TestRaces:
    async def test_requests_for_the_same_new_flight_and_passenger_at_once(self, api: ApiClient) -> None:
        project_id, template_id = await boarding(api)
        body = boarding_body(template_id, [passenger("13A", "SMITH/JOE", "joe")])
        target = f"/v1/links/adaptive/multiple/project/{project_id}"
        answers = await asyncio.gather(*(api.post(target, json=body) for _ in range(6)))
        assert [answer.status_code for answer in answers] == [200] * 6, [a.text for a in answers]
        links = [answer.json()["links"][0] for answer in answers]
        assert len({link["adaptiveLinkId"] for link in links}) == 1
        assert len({link["flightId"] for link in links}) == 1
        listed = await api.get(f"/v1/flights/project/{project_id}/{links[0]['flightId']}/passes")
        assert listed.json()["count"] == 1
