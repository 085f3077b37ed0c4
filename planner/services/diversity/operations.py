"""Changing the Diversity step's figures: group names, benchmarks, shortlisting figures and targets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from planner.diversity.characteristics import characteristic
from planner.forecast.target_checks import FIELD_WORDS, target_problems
from planner.models import Benchmark, DiversityTarget, GroupLabel, Organisation, ShortlistingFigure, Strategy, User
from planner.services import ServiceError
from planner.services.audit import record
from planner.services.diversity.representation import BENCHMARK_SOURCES
from planner.services.editing import check_version, commit_checked
from planner.services.structure import levels_of


def save_group_labels(*, session: Session, organisation: Organisation, labels: Mapping[tuple[str, str], str],
                      actor: User) -> None:
    """Set the organisation's names for groups ((characteristic, group) -> name; empty: the default)."""
    for (char_key, group_key), label in labels.items():
        if group_key not in {g.key for g in characteristic(char_key).groups}:
            raise ServiceError(f"Unknown group {char_key} / {group_key}")
        if len(label.strip()) > 100:
            raise ServiceError("A group name must be 100 characters or fewer", field=f"label-{char_key}-{group_key}")
    existing = {(r.characteristic, r.group_key): r for r in session.exec(
        select(GroupLabel).where(GroupLabel.organisation_id == organisation.id))}
    for (char_key, group_key), label in labels.items():
        default = next(g.name for g in characteristic(char_key).groups if g.key == group_key)
        row = existing.get((char_key, group_key))
        if not label.strip() or label.strip() == default:
            if row is not None:
                session.delete(row)
            continue
        row = row or GroupLabel(organisation_id=organisation.id, characteristic=char_key, group_key=group_key,
                               label=label.strip())
        row.label = label.strip()
        session.add(row)
    record(session, action="update", entity="group_labels", entity_id=organisation.id,
           organisation_id=organisation.id, user_id=actor.id,
           changes={f"{c}/{g}": v for (c, g), v in labels.items() if v.strip()})
    session.commit()


def save_benchmarks(*, session: Session, strategy: Strategy, characteristic_key: str,
                    shares: Mapping[tuple[str, str], float | None], actor: User) -> None:
    """Store community and national shares ((source, group) -> share; None clears one)."""
    char = characteristic(characteristic_key)
    groups = {g.key for g in char.groups}
    for (source, group), value in shares.items():
        if source not in BENCHMARK_SOURCES or group not in groups:
            raise ServiceError(f"Unknown benchmark {source} / {group}")
        if value is not None and not 0 <= value <= 1:
            raise ServiceError(f"{BENCHMARK_SOURCES[source]}: a share must be from 0% to 100%",
                               field=f"{source}-{group}")
    for source in BENCHMARK_SOURCES:
        total = sum(v for (s, _g), v in shares.items() if s == source and v is not None)
        if total > 1 + 1e-6:
            raise ServiceError(f"{BENCHMARK_SOURCES[source]}: the shares add up to {total * 100:.1f}%, "
                               "more than 100%", field=f"{source}-{char.groups[0].key}")
    existing = {(b.source, b.group_key): b for b in session.exec(select(Benchmark).where(
        Benchmark.strategy_id == strategy.id, Benchmark.characteristic == char.key))}
    for (source, group), value in shares.items():
        row = existing.get((source, group))
        if value is None:
            if row is not None:
                session.delete(row)
            continue
        row = row or Benchmark(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                               source=source, characteristic=char.key, group_key=group)
        row.share = value
        session.add(row)
    record(session, action="update", entity="benchmarks", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"characteristic": char.key, "values": {f"{s}/{g}": v for (s, g), v in shares.items()}})
    session.commit()


def save_shortlisting(*, session: Session, strategy: Strategy, characteristic_key: str,
                      figures: Mapping[str, tuple[int, int]], actor: User) -> None:
    """Store applicants shortlisted and appointed per group."""
    char = characteristic(characteristic_key)
    names = {g.key: g.name for g in char.groups}
    for group, (shortlisted, appointed) in figures.items():
        if group not in names:
            raise ServiceError(f"Unknown group {group}")
        if shortlisted < 0 or appointed < 0:
            raise ServiceError(f"{names[group]}: counts cannot be negative", field=f"shortlisted-{group}")
        if appointed > shortlisted:
            raise ServiceError(f"{names[group]}: {appointed} appointed is more than the {shortlisted} shortlisted",
                               field=f"appointed-{group}")
    existing = {f.group_key: f for f in session.exec(select(ShortlistingFigure).where(
        ShortlistingFigure.strategy_id == strategy.id, ShortlistingFigure.characteristic == char.key))}
    for group, (shortlisted, appointed) in figures.items():
        row = existing.get(group) or ShortlistingFigure(
            organisation_id=strategy.organisation_id, strategy_id=strategy.id,
            characteristic=char.key, group_key=group)
        row.shortlisted, row.appointed = shortlisted, appointed
        session.add(row)
    record(session, action="update", entity="shortlisting", entity_id=strategy.id,
           organisation_id=strategy.organisation_id, user_id=actor.id,
           changes={"characteristic": char.key, "groups": sorted(figures)})  # which groups, never their counts
    session.commit()


def save_target(*, session: Session, strategy: Strategy, values: Mapping[str, Any], actor: User,
                target: DiversityTarget | None = None, version: int | None = None) -> DiversityTarget:
    """Add or change a target after checking it names a real level, group and year (a change is refused
    if the target changed since `version` was read)."""
    if target is not None:
        check_version(target, version)
    char = characteristic(str(values["characteristic"]))
    if values["group_key"] not in {g.key for g in char.groups}:
        raise ServiceError("Choose a group of the characteristic", field="group_key")
    level_id = values.get("level_id")
    if level_id is not None and level_id not in {lv.id for lv in levels_of(session, strategy)}:
        raise ServiceError("Choose a level of this strategy", field="level_id")
    typed = {key: None if values.get(key) is None else float(values[key]) for key in FIELD_WORDS}
    ratio = typed["leaver_rate_ratio"] = float(values.get("leaver_rate_ratio") or 1.0)
    for key, message in target_problems(typed, start_year=strategy.start_year, horizon=strategy.horizon):
        raise ServiceError(message, field=key)  # the engine's rule (parse_targets), in the form's words
    share_value, year = float(values["target_share"]), int(values["target_year"])
    current, pipeline = typed["current_appointment_share"], typed["pipeline_share"]
    row = target or DiversityTarget(organisation_id=strategy.organisation_id, strategy_id=strategy.id,
                                    characteristic=char.key, group_key="", target_share=0, target_year=year)
    row.characteristic, row.group_key, row.level_id = char.key, str(values["group_key"]), level_id
    row.target_share, row.target_year, row.leaver_rate_ratio = share_value, year, ratio
    row.current_appointment_share = float(current) if current is not None else None
    row.pipeline_share = float(pipeline) if pipeline is not None else None
    session.add(row)
    commit_checked(session, target, commit=False)
    record(session, action="update" if target else "create", entity="diversity_target", entity_id=row.id,
           organisation_id=strategy.organisation_id, user_id=actor.id if actor else None,
           changes={k: values.get(k) for k in ("characteristic", "group_key", "level_id", "target_share",
                                                "target_year", "leaver_rate_ratio", "current_appointment_share",
                                                "pipeline_share")})
    commit_checked(session, target)
    return row


def delete_target(*, session: Session, target: DiversityTarget, actor: User) -> None:
    """Delete a target."""
    record(session, action="delete", entity="diversity_target", entity_id=target.id,
           organisation_id=target.organisation_id, user_id=actor.id,
           changes={"characteristic": target.characteristic, "group_key": target.group_key,
                    "level_id": target.level_id, "target_share": target.target_share,
                    "target_year": target.target_year})
    session.delete(target)
    session.commit()
