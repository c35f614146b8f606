"""Flights through the API: create, upsert by external id, read, change, delete, pass groups."""

from __future__ import annotations

import asyncio

from tests.conftest import ApiClient
from tests.factories import create_project
from tests.journeys.conftest import boarding_project, flight, new_flight


class TestCreate:
    async def test_fills_default_labels_and_an_empty_arrival_gate(self, api: ApiClient) -> None:
        project = await create_project(api)
        made = await new_flight(api, project["id"])
        fields = made["fields"]
        assert made["projectId"] == project["id"] and isinstance(made["flightId"], int)
        assert fields["flightNumber"] == {"label": "Flight Number", "value": "815"}
        assert fields["departureGate"] == {"label": "Gate #", "value": "25"}
        assert fields["arrivalGate"] == {"label": "Arrival Gate", "value": ""}
        assert fields["departureTime"] == {"label": "Departure Time", "value": "2025-03-19T20:59:00"}
        assert made["passGroups"] == ["sfo-pdx-20250319"]

    async def test_semantics_are_completed_in_the_airport_time_zone(self, api: ApiClient) -> None:
        project = await create_project(api)
        tags = (await new_flight(api, project["id"]))["fields"]["semantics"]
        assert tags["departureGate"] == "25"
        assert tags["flightNumber"] == 815
        assert tags["currentBoardingDate"] == "2025-03-19T20:30:00-07:00"
        assert tags["originalDepartureDate"] == "2025-03-19T20:59:00-07:00"
        assert tags["departureLocation"] == {"latitude": 37.6191, "longitude": -122.3816}
        assert "departureAirportLocation" not in tags

    async def test_a_missing_required_field_is_a_400_naming_it(self, api: ApiClient) -> None:
        project = await create_project(api)
        body = flight()
        del body["fields"]["airlineName"]
        response = await api.post(f"/v1/flights/project/{project['id']}", json=body)
        assert response.status_code == 400
        assert {"field": "fields.airlineName", "message": "is required"} in response.json()["details"]

    async def test_a_bad_status_time_or_tag_is_a_400(self, api: ApiClient) -> None:
        project = await create_project(api)
        body = flight(flightStatus={"value": "late"}, boardingTime={"value": "soon"})
        body["fields"]["semantics"]["departureLocationTimeZone"] = "Mars/Olympus"
        response = await api.post(f"/v1/flights/project/{project['id']}", json=body)
        assert response.status_code == 400
        named = {problem["field"] for problem in response.json()["details"]}
        assert {
            "fields.flightStatus.value",
            "fields.boardingTime.value",
            "fields.semantics.departureLocationTimeZone",
        } <= named
        assert (await api.get(f"/v1/flights/project/{project['id']}/1")).status_code == 404

    async def test_upsert_by_external_ids_creates_then_changes(self, api: ApiClient) -> None:
        project = await create_project(api, "/v1/project/id/air")
        first = await api.post("/v1/flights/project/id/air/id/wn815", json=flight())
        assert first.status_code == 200
        assert first.json()["flightExternalId"] == "wn815"
        again = await api.post(
            "/v1/flights/project/id/air/id/wn815", json={"fields": {"departureGate": {"value": "30"}}}
        )
        assert again.status_code == 200
        assert again.json()["flightId"] == first.json()["flightId"]
        assert again.json()["fields"]["departureGate"] == {"label": "Gate #", "value": "30"}
        got = await api.get(f"/v1/flights/project/{project['id']}/id/wn815")
        assert got.json()["projectExternalId"] == "air"


class TestChange:
    async def test_a_partial_update_keeps_what_was_not_sent(self, api: ApiClient) -> None:
        project = await create_project(api)
        made = await new_flight(api, project["id"])
        path = f"/v1/flights/project/{project['id']}/{made['flightId']}"
        response = await api.put(path, json={"fields": {"departureGate": {"value": "21"}}})
        assert response.status_code == 200
        fields = response.json()["fields"]
        assert fields["departureGate"] == {"label": "Gate #", "value": "21"}
        assert fields["semantics"]["departureGate"] == "21"
        assert fields["airlineName"]["value"] == "Southwest Airlines"

    async def test_delete_then_gone(self, api: ApiClient) -> None:
        project = await create_project(api)
        made = await new_flight(api, project["id"])
        path = f"/v1/flights/project/{project['id']}/{made['flightId']}"
        assert (await api.delete(path)).json() == {"ok": True}
        assert (await api.get(path)).status_code == 404

    async def test_another_accounts_project_is_not_found(self, api: ApiClient, new_api: object) -> None:
        project = await create_project(api)
        made = await new_flight(api, project["id"])
        other = await new_api()  # type: ignore[operator]
        response = await other.get(f"/v1/flights/project/{project['id']}/{made['flightId']}")
        assert response.status_code == 404


class TestPassGroups:
    async def test_list_add_remove(self, api: ApiClient) -> None:
        project = await create_project(api)
        made = await new_flight(api, project["id"])
        path = f"/v1/flights/project/{project['id']}/{made['flightId']}/passGroups"
        added = await api.post(path, json={"passGroups": ["a", "sfo-pdx-20250319"]})
        assert added.json() == {"flightId": made["flightId"], "passGroups": ["a", "sfo-pdx-20250319"]}
        assert (await api.delete(f"{path}/a")).status_code == 200
        assert (await api.get(path)).json()["passGroups"] == ["sfo-pdx-20250319"]
        assert (await api.delete(f"{path}/a")).status_code == 400

    async def test_group_update_changes_every_flight_of_the_group_at_both_spellings(
        self, api: ApiClient
    ) -> None:
        project = await create_project(api, "/v1/project/id/air2")
        ids = [(await new_flight(api, project["id"]))["flightId"] for _ in range(2)]
        response = await api.put(
            f"/v1/flights/project/{project['id']}/passGroups/sfo-pdx-20250319",
            json={"fields": {"departureGate": {"value": "22"}}},
        )
        assert response.status_code == 200
        assert response.json() == {"groupName": "sfo-pdx-20250319", "flights": [{"flightId": i} for i in ids]}
        odd = await api.put(
            "/v1/flights/project/id/air2/id/passGroups/sfo-pdx-20250319",
            json={"fields": {"boardingTime": {"value": "2025-03-19T20:40:00"}}},
        )
        assert odd.status_code == 200
        for flight_id in ids:
            fields = (await api.get(f"/v1/flights/project/{project['id']}/{flight_id}")).json()["fields"]
            assert fields["departureGate"]["value"] == "22"
            assert fields["semantics"]["currentBoardingDate"] == "2025-03-19T20:40:00-07:00"
            assert fields["semantics"]["originalBoardingDate"] == "2025-03-19T20:30:00-07:00"

    async def test_an_unknown_group_is_a_404(self, api: ApiClient) -> None:
        project = await create_project(api)
        response = await api.put(f"/v1/flights/project/{project['id']}/passGroups/nope", json={"fields": {}})
        assert response.status_code == 404


class TestRacingUpserts:
    async def test_upserts_of_one_new_flight_at_once_make_one_flight(self, api: ApiClient) -> None:
        project_id, _ = await boarding_project(api)
        target = f"/v1/flights/project/{project_id}/id/racing"
        answers = await asyncio.gather(*(api.post(target, json=flight()) for _ in range(6)))
        assert [answer.status_code for answer in answers] == [200] * 6, [a.text for a in answers]
        assert len({answer.json()["flightId"] for answer in answers}) == 1
        assert answers[0].json()["passGroups"] == ["sfo-pdx-20250319"]
