"""An audience as a SQL condition over ``Pass`` rows of one account."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, not_, or_, select, true

from passmint.audiences.tree import (
    AllOf,
    AnyOf,
    Audience,
    Everyone,
    ExternalIds,
    Not,
    PassIds,
    Segments,
    Tags,
    TemplateIds,
)
from passmint.models import Pass, PassTag, Tag, Template


def where(audience: Audience, *, account_id: int, project_id: int | None) -> ColumnElement[bool]:
    """The passes of ``account_id`` in ``audience``, and of ``project_id``'s templates when one is given
    (so its template ids count only for templates of that project). ``segment`` atoms must have been
    replaced by their criteria first (``resolving.resolve``).

    Every part is true or false, never NULL, so NOT selects exactly the passes its part does not.
    """
    condition = and_(Pass.account_id == account_id, _condition(audience, account_id, project_id))
    if project_id is None:
        return condition
    return and_(condition, Pass.template_id.in_(select(Template.id).where(Template.project_id == project_id)))


def _condition(audience: Audience, account_id: int, project_id: int | None) -> ColumnElement[bool]:
    match audience:
        case Everyone():
            return true()
        case Tags(values=names):
            # Not correlated: the database reads the tags' passes once (an index range on pass_tags'
            # tag_id) and hashes them, also under OR and NOT, instead of probing per pass.
            tag_ids = select(Tag.id).where(Tag.account_id == account_id, Tag.name.in_(names))
            return Pass.id.in_(select(PassTag.pass_id).where(PassTag.tag_id.in_(tag_ids)))
        case TemplateIds(values=ids):
            if project_id is None:
                return Pass.template_id.in_(ids)
            of_project = select(Template.id).where(Template.id.in_(ids), Template.project_id == project_id)
            return Pass.template_id.in_(of_project)
        case PassIds(values=ids):
            return Pass.id.in_(ids)
        case ExternalIds(values=external_ids):
            return and_(Pass.external_id.is_not(None), Pass.external_id.in_(external_ids))
        case AllOf(parts=parts):
            return and_(*(_condition(part, account_id, project_id) for part in parts))
        case AnyOf(parts=parts):
            return or_(*(_condition(part, account_id, project_id) for part in parts))
        case Not(part=part):
            return not_(_condition(part, account_id, project_id))
        case Segments():
            raise ValueError("resolve the audience's segments before selecting (audiences.resolve)")
    raise TypeError(f"not an audience: {audience!r}")
