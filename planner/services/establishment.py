"""Funded establishment: the leader posts funded for each level in each area (one figure for every
forecast year, or one per year), which the forecast takes as demand (model.md version 3), and the
vacancies at the baseline that it gives against the leaders in post (docs/establishment.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from planner import areas as tree
from planner.forecast.parse import POSTS
from planner.imports.establishment import EstablishmentResult, read_establishment
from planner.models import Area, Establishment, Strategy, User
from planner.services import ServiceError, derived, finish
from planner.services.audit import record
from planner.services.baseline import baseline_of
from planner.services.editing import claim_counter
from planner.services.structure import area_lookup, areas_of, level_lookup, levels_of, nodes

Posts = int | tuple[int, ...]  # one figure for every forecast year, or one per year (year 1 first)
MOST_POSTS = int(POSTS.high or 1_000_000)  # the engine's own limit on one level's posts in one area


def posts_text(posts: Posts) -> str:
    """The posts as people read them: '12', or '30, 31, 32, 32, 33' year by year."""
    return ", ".join(f"{p:,}" for p in posts) if isinstance(posts, tuple) else f"{posts:,}"


def first_year(posts: Posts) -> int:
    """The posts funded in the first forecast year: what the baseline's vacancies are measured against."""
    return posts[0] if isinstance(posts, tuple) else posts


def check_posts(posts: Posts, *, horizon: int, label: str) -> str | None:
    """The one rule for an establishment figure: whole posts from 0 to the engine's limit, and either one
    figure or exactly one per forecast year. The problem in words, or None."""
    figures = posts if isinstance(posts, tuple) else (posts,)
    if isinstance(posts, tuple) and len(posts) != horizon:
        return (f"{label}: give one figure for every year, or exactly {horizon} (one per forecast year); "
                f"{len(posts)} were given")
    for figure in figures:
        if isinstance(figure, bool) or not isinstance(figure, int):
            return f"{label}: {figure!r} is not a whole number of posts"
        if figure < 0:
            return f"{label}: posts cannot be negative"
        if figure > MOST_POSTS:
            return f"{label}: {figure:,} posts is more than {MOST_POSTS:,}"
    return None


def _decoded(text: str) -> Posts:
    value = json.loads(text)
    return tuple(int(v) for v in value) if isinstance(value, list) else int(value)


def _encoded(posts: Posts) -> str:
    return json.dumps(list(posts) if isinstance(posts, tuple) else posts)


def establishment_of(session: Session, strategy: Strategy) -> dict[int, dict[str, Posts]]:
    """Area id -> level key -> its funded posts (areas and levels with no establishment are absent)."""
    keys = {lv.id: lv.key for lv in levels_of(session, strategy)}
    rows = derived.remember(
        session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
        kind="establishment rows", reads=("baseline",), parts=(), shared=False,
        compute=lambda: list(session.exec(select(Establishment.area_id, Establishment.level_id, Establishment.posts)
                                          .where(Establishment.strategy_id == strategy.id))))
    out: dict[int, dict[str, Posts]] = {}
    for area_id, level_id, text in rows:
        if level_id in keys:
            out.setdefault(area_id, {})[keys[level_id]] = _decoded(text)
    return out


def _check_all(session: Session, strategy: Strategy, posts: Mapping[tuple[int, str], Posts | None]) -> dict[int, Area]:
    areas = {a.id: a for a in areas_of(session, strategy)}
    levels = {lv.key: lv for lv in levels_of(session, strategy)}
    for (area_id, key), figure in posts.items():
        if area_id not in areas:
            raise ServiceError("The establishment names an area that is not in this strategy")
        if key not in levels:
            raise ServiceError(f"'{key}' is not a leadership level of this strategy")
        if figure is not None:
            problem = check_posts(figure, horizon=strategy.horizon,
                                  label=f"{areas[area_id].name}: {levels[key].name.lower()}")
            if problem:
                raise ServiceError(problem, field=f"posts-{levels[key].id}")
    return areas


def save_establishment(
    *, session: Session, strategy: Strategy, posts: Mapping[tuple[int, str], Posts | None], actor: User | None,
    replace: bool = False, source: str = "typed", version: int | None = None, commit: bool = True,
) -> int:
    """Store funded posts by (area id, level key) in one transaction (None removes one); with `replace`, every
    other area and level of the strategy is left with none. Refused whole if the baseline changed since its
    `version` (the strategy's baseline version) was read. Returns how many figures changed."""
    _check_all(session, strategy, posts)
    claim_counter(session, Strategy, strategy.id, "baseline_version", version)
    levels = {lv.key: lv.id for lv in levels_of(session, strategy)}
    stored = {(row.area_id, row.level_id): row for row in session.exec(
        select(Establishment).where(Establishment.strategy_id == strategy.id))}
    wanted = {(area_id, levels[key]): figure for (area_id, key), figure in posts.items()}
    if replace:
        for place in stored:
            wanted.setdefault(place, None)
    changed = 0
    for (area_id, level_id), figure in wanted.items():
        row = stored.get((area_id, level_id))
        if figure is None:
            if row is not None:
                session.delete(row)
                changed += 1
            continue
        text = _encoded(figure)
        if row is None:
            row = Establishment(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                area_id=area_id, level_id=level_id, posts=text)
        elif row.posts == text:
            continue
        row.posts = text
        session.add(row)
        changed += 1
    record(session, action="update", entity="establishment", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={"source": source[:200], "replace": replace, "figures": len(posts), "changed": changed})
    finish(session, commit)
    return changed


@dataclass(frozen=True)
class Vacancy:
    """One level of one area (with the areas within it) at the baseline, where it has an establishment."""

    establishment: int  # funded posts in the first forecast year
    in_post: float  # leaders in post in the areas that have an establishment for the level
    partial: bool  # some areas within it have leaders at the level but no establishment

    @property
    def vacancies(self) -> float:
        """Funded posts with nobody in them (negative: more in post than funded)."""
        return self.establishment - self.in_post

    @property
    def rate(self) -> float | None:
        """Vacancies as a share of the establishment; None where the establishment is 0."""
        return self.vacancies / self.establishment if self.establishment else None


@dataclass(frozen=True)
class VacancySummary:
    """Vacancies by area (each with its sub-areas) and level, and for the whole organisation."""

    by_area: Mapping[int, Mapping[str, Vacancy]]
    totals: Mapping[str, Vacancy]

    @property
    def any(self) -> bool:
        """Whether any level of any area has an establishment."""
        return bool(self.totals)


def vacancies(session: Session, strategy: Strategy) -> VacancySummary:
    """The vacancies at the baseline: (establishment - leaders in post) / establishment by level and area,
    over the areas with an establishment only; worked out once per request from rows read once. Not shared
    across requests: the results that show it (the pack, the API's baseline) are kept whole themselves, and
    looking it up in the shared store would cost more queries than the three it is worked out from."""
    return derived.remember(session, strategy_id=strategy.id, organisation_id=strategy.organisation_id,
                            reads=("baseline", "structure"),
                            kind="vacancies", parts=(), shared=False, compute=lambda: _vacancies(session, strategy))


def _vacancies(session: Session, strategy: Strategy) -> VacancySummary:
    posts = establishment_of(session, strategy)
    own_figures = baseline_of(session, strategy)
    keys = [lv.key for lv in levels_of(session, strategy)]
    own: dict[int, dict[str, float]] = {}
    for area in areas_of(session, strategy):
        leaders = own_figures[area.id].leaders if area.id in own_figures else {}
        figures: dict[str, float] = {}
        for key in keys:
            if key in posts.get(area.id, {}):
                figures[f"est:{key}"] = first_year(posts[area.id][key])
                figures[f"in:{key}"] = leaders.get(key, 0)
                figures[f"has:{key}"] = 1
            elif leaders.get(key, 0):
                figures[f"missing:{key}"] = 1
        own[area.id] = figures
    rolled = tree.roll_up(nodes(areas_of(session, strategy)), own)

    def vacancy_of(figures: Mapping[str, float], key: str) -> Vacancy | None:
        if not figures.get(f"has:{key}"):
            return None
        return Vacancy(int(figures[f"est:{key}"]), figures[f"in:{key}"], bool(figures.get(f"missing:{key}")))

    by_area = {aid: {k: v for k in keys if (v := vacancy_of(figures, k)) is not None}
               for aid, figures in rolled.items()}
    whole: dict[str, float] = {}
    for figures in own.values():
        for name, value in figures.items():
            whole[name] = whole.get(name, 0) + value
    totals = {k: v for k in keys if (v := vacancy_of(whole, k)) is not None}
    return VacancySummary(by_area={aid: found for aid, found in by_area.items() if found}, totals=totals)


def read_file(session: Session, strategy: Strategy, data: bytes, filename: str, *,
              sheet: str | None = None) -> EstablishmentResult:
    """Read an establishment file against the strategy's areas, levels and years; nothing is stored.
    ImportRefused if the file cannot be read at all."""
    return read_establishment(data, filename, areas=area_lookup(session, strategy),
                              levels=level_lookup(session, strategy), start_year=strategy.start_year,
                              horizon=strategy.horizon, most=MOST_POSTS, sheet=sheet)


def import_file(*, session: Session, strategy: Strategy, result: EstablishmentResult, filename: str,
                actor: User | None) -> int:
    """Replace the whole establishment with an importable file's figures (areas and levels not in the file
    are left with none), in one transaction. Returns how many figures changed."""
    if not result.importable:
        raise ServiceError("The file has problems: nothing was stored")
    by_code = {a.code: a.id for a in areas_of(session, strategy)}
    posts = {(by_code[code], key): figure for (code, key), figure in result.posts.items()}
    return save_establishment(session=session, strategy=strategy, posts=posts, actor=actor,
                              replace=True, source=f"file {filename}")
