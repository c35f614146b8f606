"""Page requests and the pagination object."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from passmint.kit.pagination import Direction, PageRequest, Pagination


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=1000))
def test_start_is_the_index_of_the_first_result(page: int, page_size: int) -> None:
    request = PageRequest(page=page, page_size=page_size)
    assert request.start == (page - 1) * page_size
    assert Pagination.of(request).model_dump(by_alias=True) == {
        "order": "id",
        "page": page,
        "start": request.start,
        "direction": Direction.DESC,
        "pageSize": page_size,
    }
