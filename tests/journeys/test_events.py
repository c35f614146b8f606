"""Events through the API: the flights' set, with the events' names."""

from __future__ import annotations

import copy

from tests.conftest import ApiClient
from tests.factories import create_project
from tests.journeys.conftest import EVENT


class TestEvents:
    async def test_create_fills_labels_and_tags(self, api: ApiClient) -> None:
        project = await create_project(api)
        response = await api.post(f"/v1/events/project/{project['id']}", json=EVENT)
        assert response.status_code == 201
        made = response.json()
        assert made["fields"]["eventName"] == {"label": "Event", "value": "Giants vs. Dodgers"}
        assert made["fields"]["doorsOpen"]["label"] == "Doors Open"
        tags = made["fields"]["semantics"]
        assert tags["venueName"] == "AT&T Park"
        assert tags["eventStartDate"] == "2019-09-25T10:35:00-07:00"

    async def test_upsert_by_external_id_is_a_partial_update(self, api: ApiClient) -> None:
        project = await create_project(api, "/v1/project/id/park")
        first = await api.post("/v1/events/project/id/park/id/game1", json=EVENT)
        assert first.status_code == 201
        again = await api.post(
            "/v1/events/project/id/park/id/game1", json={"fields": {"venueTitle": {"value": "Oracle Park"}}}
        )
        assert again.status_code == 200
        fields = again.json()["fields"]
        assert fields["venueTitle"] == {"label": "Venue", "value": "Oracle Park"}
        assert fields["eventName"]["value"] == "Giants vs. Dodgers"
        assert again.json()["eventExternalId"] == "game1"
        assert again.json()["projectId"] == project["id"]

    async def test_group_update_answers_with_event_ticket_ids(self, api: ApiClient) -> None:
        project = await create_project(api, "/v1/project/id/park2")
        made = (await api.post(f"/v1/events/project/{project['id']}", json=copy.deepcopy(EVENT))).json()
        response = await api.put(
            "/v1/events/project/id/park2/passGroups/giants_2019-09-25",
            json={"fields": {"venueTitle": {"value": "Oracle Park"}}},
        )
        assert response.json() == {
            "groupName": "giants_2019-09-25",
            "events": [{"eventTicketId": made["eventId"]}],
        }

    async def test_missing_required_fields_are_named(self, api: ApiClient) -> None:
        project = await create_project(api)
        response = await api.post(f"/v1/events/project/{project['id']}", json={"fields": {}})
        assert response.status_code == 400
        named = {problem["field"] for problem in response.json()["details"]}
        assert named == {"fields.eventName", "fields.venueTitle", "fields.venueAddress"}
