"""Synthetic participation for load and scaling tests.

Two generators, both writing with ``bulk_create`` and without change history (throwaway test data):

* the ``generate_region`` step below copies every published process of a copied municipality (phases, ideas and
  comments; no authors, no supports) into the municipality's synthetic copies, so a scaled region has
  participation, too; the copies go with their municipalities on ``generate_region --remove``;
* :func:`generate_load_process` (command ``manage.py generate_participation --contributions 50000 --supports
  200000``) makes one large process for the load test (bench/participation.py): ideas and comments (two in five
  contributions are ideas), supports spread unevenly over the ideas (a few ideas get many), synthetic citizens with
  voluntary statistics, and the ideas' counters set as the services would have left them. It belongs to a real
  municipality (Oberhausen where loaded), so it is a separate set: ``generate_participation --remove`` deletes it
  and the synthetic citizens, and nothing else; running it again replaces it.

Synthetic records are recognisable: the process's slug is :data:`LOAD_PROCESS_SLUG`, its summary starts with
:data:`~smartstadt.demo.generator.SYNTHETIC_NOTE`; citizens have the user name prefix
:data:`SYNTHETIC_USER_PREFIX`, an ``.invalid`` e-mail address and an unusable password.
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from smartstadt.core.models import User
from smartstadt.demo.generator import (
    SYNTHETIC_NOTE,
    GeneratorContext,
    NoProgress,
    ProgressSink,
    bulk_create,
    clone,
    generator_step,
)
from smartstadt.regions.models import District, Municipality
from smartstadt.strategy.models import FieldOfAction, Strategy

from .caching import changed
from .models import AgeGroup, Comment, Idea, ParticipantProfile, Phase, PhaseKind, Process, Support

LOAD_PROCESS_SLUG = "synthetisch-beteiligung-lasttest"
SYNTHETIC_USER_PREFIX = "synthetisch-buerger-"
MAX_CONTRIBUTIONS = 1_000_000
MAX_SUPPORTS = 5_000_000
DEFAULT_SEED = 2024
SUPPORTS_PER_CITIZEN = 100  # how many ideas one synthetic citizen supports at most
BATCH = 2000
IDEA_SHARE = 0.4  # of the contributions; the rest are comments
REPLY_SHARE = 0.25  # of the comments
PROFILE_SHARE = 0.6  # of the citizens give their age group and district

WORDS = (
    "Digitale Sprechstunde",
    "Echtzeitanzeige an Haltestellen",
    "Offene Daten zum Energieverbrauch",
    "Sensoren für Luftqualität",
    "Bürgerbüro online",
    "Ladepunkte im Quartier",
    "WLAN in Bussen",
    "Smarte Straßenbeleuchtung",
    "Schulen mit Tablets",
    "Parkplatzsensoren",
    "Hitzekarte der Stadt",
    "Reparaturcafé digital",
)
TEXTS = (
    "Viele Menschen im Stadtteil würden davon profitieren, besonders Ältere und Familien.",
    "Andere Städte im Ruhrgebiet haben damit gute Erfahrungen gemacht.",
    "Die Daten sollten offen veröffentlicht werden, damit alle sie nutzen können.",
    "Wichtig ist, dass es auch ohne Smartphone funktioniert.",
    "Die Stadtwerke und die Verkehrsgesellschaft könnten das gemeinsam umsetzen.",
)


def synthetic_users() -> QuerySet[User]:
    return User.objects.filter(username__startswith=SYNTHETIC_USER_PREFIX)


def synthetic_username(number: int) -> str:
    return f"{SYNTHETIC_USER_PREFIX}{number:06d}"


# --- generate_region: copies of the real processes -----------------------------------------------------------------


def remove_copied_processes(municipalities: QuerySet[Municipality]) -> None:
    processes = Process.objects.filter(municipality__in=municipalities)
    Comment.objects.filter(idea__process__in=processes, parent__isnull=False).delete()
    processes.delete()  # phases, ideas, comments, supports and reports cascade


@generator_step("Beteiligungsverfahren", order=60, remove=remove_copied_processes)
def processes_step(context: GeneratorContext) -> None:
    originals = list(
        Process.objects.filter(municipality_id__in=context.originals(Municipality), is_published=True).order_by("pk")
    )
    for original in context.track(originals):
        phases = list(Phase.objects.filter(process=original))
        ideas = list(Idea.objects.current().filter(process=original, is_hidden=False).order_by("pk"))
        comments = list(Comment.objects.filter(idea__in=ideas, is_hidden=False, parent__isnull=True).order_by("pk"))
        for number, municipality in context.copies_by_pk(Municipality, original.municipality_id):
            process = clone(
                original,
                municipality_id=municipality.pk,
                strategy_id=None,  # strategies are not copied
                slug=context.slug(original.slug, number),
                title=context.name(original.title, number),
                summary=f"{SYNTHETIC_NOTE} {original.summary}".strip(),
            )
            process.save()
            bulk_create(Phase, [clone(phase, process_id=process.pk) for phase in phases])
            idea_copies = bulk_create(
                Idea,
                [
                    clone(
                        idea,
                        process_id=process.pk,
                        author_id=None,
                        answered_by_id=None,
                        measure_id=None,
                        workshop_id=None,
                        merged_into_id=None,
                        field_of_action_id=None,
                        district_id=_district_copy(context, idea.district_id, number),
                        support_count=0,
                        comment_count=sum(1 for comment in comments if comment.idea_id == idea.pk),
                        created_at=idea.created_at,
                    )
                    for idea in ideas
                ],
            )
            copy_of = {idea.pk: copy.pk for idea, copy in zip(ideas, idea_copies, strict=True)}
            bulk_create(
                Comment,
                [
                    clone(comment, idea_id=copy_of[comment.idea_id], author_id=None, created_at=comment.created_at)
                    for comment in comments
                ],
            )
            context.count(Process, 1)
            context.count(Idea, len(idea_copies))
            context.count(Comment, len(comments))


def _district_copy(context: GeneratorContext, district_id: int | None, number: int) -> int | None:
    if district_id is None:
        return None
    copy = context.copy_for(District, district_id, number)
    return copy.pk if copy is not None else None


# --- generate_participation: one large process for the load test ---------------------------------------------------


@dataclass
class LoadReport:
    process: Process | None
    created: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)


def load_counts() -> dict[str, int]:
    """How many records of the synthetic load set exist."""
    process = Process.objects.filter(slug=LOAD_PROCESS_SLUG)
    return {
        "Verfahren": process.count(),
        "Ideen": Idea.objects.filter(process__in=process).count(),
        "Kommentare": Comment.objects.filter(idea__process__in=process).count(),
        "Unterstützungen": Support.objects.filter(idea__process__in=process).count(),
        "synthetische Bürgerinnen und Bürger": synthetic_users().count(),
    }


def remove_load_process(progress: ProgressSink | None = None) -> dict[str, int]:
    """Delete the load process and the synthetic citizens, and nothing else. Returns what there was."""
    progress = progress or NoProgress()
    before = {key: value for key, value in load_counts().items() if value}
    progress.step("Synthetische Beteiligung entfernen")
    progress.expect(4)
    with transaction.atomic():
        process = Process.objects.filter(slug=LOAD_PROCESS_SLUG)
        # Largest tables first and without cascading collection: a plain DELETE per table.
        Support.objects.filter(idea__process__in=process)._raw_delete(Support.objects.db)
        progress.advance(1)
        comments = Comment.objects.filter(idea__process__in=process)
        comments.filter(parent__isnull=False)._raw_delete(Comment.objects.db)
        comments._raw_delete(Comment.objects.db)
        progress.advance(1)
        process.delete()
        progress.advance(1)
        users = synthetic_users()
        ParticipantProfile.objects.filter(user__in=users)._raw_delete(ParticipantProfile.objects.db)
        Support.objects.filter(user__in=users).update(user=None)
        users.delete()
        progress.advance(1)
        changed()
    return before


def _host() -> tuple[Municipality, Strategy | None]:
    municipality = (
        Municipality.objects.filter(slug="oberhausen").first()
        or Municipality.objects.exclude(region__slug__startswith="synthetisch-").order_by("pk").first()
    )
    if municipality is None:
        raise LookupError(
            "Es gibt keine Kommune für das synthetische Verfahren. Bitte zuerst „manage.py load_demo“ ausführen."
        )
    strategy = Strategy.objects.filter(municipality=municipality, region__isnull=True).order_by("pk").first()
    return municipality, strategy


def generate_load_process(
    *,
    contributions: int,
    supports: int,
    seed: int = DEFAULT_SEED,
    progress: ProgressSink | None = None,
) -> LoadReport:
    """Replace the load set by one with this many contributions (ideas and comments) and supports."""
    if not 1 <= contributions <= MAX_CONTRIBUTIONS:
        raise ValueError(
            f"--contributions muss zwischen 1 und {MAX_CONTRIBUTIONS} liegen (angegeben: {contributions})."
        )
    if not 0 <= supports <= MAX_SUPPORTS:
        raise ValueError(f"--supports muss zwischen 0 und {MAX_SUPPORTS} liegen (angegeben: {supports}).")
    ideas_wanted = max(1, round(contributions * IDEA_SHARE))
    progress = progress or NoProgress()
    rng = random.Random(f"participation-{seed}")  # noqa: S311 (test data)
    municipality, strategy = _host()
    with transaction.atomic():
        removed = remove_load_process(progress)
        report = LoadReport(process=None, removed=removed)
        process = _create_process(municipality, strategy)
        report.process = process
        now = timezone.now()
        progress.step("Synthetische Bürgerinnen und Bürger")
        citizens = _create_citizens(municipality, supports, ideas_wanted, rng, progress)
        report.created["synthetische Bürgerinnen und Bürger"] = len(citizens)
        progress.step("Unterstützungen verteilen")
        pairs = _support_pairs(len(citizens), ideas_wanted, supports, rng)
        per_idea = [0] * ideas_wanted
        for _citizen, idea_index in pairs:
            per_idea[idea_index] += 1
        comments_wanted = contributions - ideas_wanted
        comment_targets = [_skewed_index(rng, ideas_wanted) for _ in range(comments_wanted)]
        comments_per_idea = [0] * ideas_wanted
        for idea_index in comment_targets:
            comments_per_idea[idea_index] += 1
        progress.step("Ideen")
        ideas = _create_ideas(
            process, citizens, municipality, strategy, per_idea, comments_per_idea, now, rng, progress
        )
        report.created["Ideen"] = len(ideas)
        progress.step("Kommentare")
        report.created["Kommentare"] = _create_comments(ideas, citizens, comment_targets, rng, progress)
        progress.step("Unterstützungen")
        report.created["Unterstützungen"] = _create_supports(ideas, citizens, pairs, progress)
        changed()
    return report


def _create_process(municipality: Municipality, strategy: Strategy | None) -> Process:
    process = Process.objects.create(
        municipality=municipality,
        strategy=strategy,
        slug=LOAD_PROCESS_SLUG,
        title="Synthetische Beteiligung (Lasttest)",
        summary=f"{SYNTHETIC_NOTE} Ein großes Beteiligungsverfahren für Last- und Skalierungstests.",
        description="Erzeugt mit „manage.py generate_participation“; die Beiträge sind keine echten Beiträge.",
        is_published=True,
    )
    today = timezone.localdate()
    Phase.objects.bulk_create(
        [
            Phase(
                process=process,
                kind=PhaseKind.INFORMATION,
                title="Information",
                starts_on=today - datetime.timedelta(days=200),
                ends_on=today - datetime.timedelta(days=181),
                order=0,
            ),
            Phase(
                process=process,
                kind=PhaseKind.IDEAS,
                title="Ideen sammeln",
                starts_on=today - datetime.timedelta(days=180),
                order=1,
            ),
            Phase(process=process, kind=PhaseKind.RESULTS, title="Ergebnisse", order=2),
        ]
    )
    return process


def _create_citizens(
    municipality: Municipality, supports: int, ideas: int, rng: random.Random, progress: ProgressSink
) -> list[User]:
    count = max(50, -(-supports // min(SUPPORTS_PER_CITIZEN, ideas)))
    password = make_password(None)  # unusable: nobody signs in with these accounts
    progress.expect(count)
    users = bulk_create(
        User,
        [
            User(
                username=synthetic_username(number),
                email=f"{synthetic_username(number)}@beispiel.invalid",
                display_name=f"Synthetische Person {number:06d}",
                password=password,
                is_active=True,
            )
            for number in range(1, count + 1)
        ],
    )
    districts = list(District.objects.filter(municipality=municipality).values_list("pk", flat=True))
    ages = list(AgeGroup.values)
    age_weights = [3, 14, 28, 35, 20]  # more middle-aged participants than the population has, as is typical
    profiles = [
        ParticipantProfile(
            user_id=user.pk,
            consent_at=timezone.now(),
            email_confirmed_at=timezone.now(),
            age_group=rng.choices(ages, weights=age_weights)[0],
            district_id=rng.choice(districts) if districts else None,
            notify_on_answer=False,
        )
        for user in users
        if rng.random() < PROFILE_SHARE
    ]
    ParticipantProfile.objects.bulk_create(profiles, batch_size=BATCH)
    progress.advance(count)
    return users


def _skewed_index(rng: random.Random, n: int) -> int:
    """An index in 0 … n-1 where low indexes are much more likely (a few ideas draw most of the attention)."""
    return min(n - 1, int(n * rng.random() ** 3))


def _support_pairs(citizens: int, ideas: int, supports: int, rng: random.Random) -> list[tuple[int, int]]:
    """Distinct (citizen index, idea index) pairs, ``supports`` of them, citizens taking turns."""
    pairs: list[tuple[int, int]] = []
    chosen: list[set[int]] = [set() for _ in range(citizens)]
    for citizen in itertools.islice(itertools.cycle(range(citizens)), supports * 4):
        if len(pairs) == supports:
            break
        mine = chosen[citizen]
        if len(mine) >= ideas:
            continue
        index = _skewed_index(rng, ideas)
        while index in mine:
            index = rng.randrange(ideas)
        mine.add(index)
        pairs.append((citizen, index))
    return pairs


def _create_ideas(
    process: Process,
    citizens: list[User],
    municipality: Municipality,
    strategy: Strategy | None,
    supports_per_idea: list[int],
    comments_per_idea: list[int],
    now: datetime.datetime,
    rng: random.Random,
    progress: ProgressSink,
) -> list[Idea]:
    districts = list(District.objects.filter(municipality=municipality).values_list("pk", flat=True))
    fields = list(FieldOfAction.objects.filter(strategy=strategy).values_list("pk", flat=True)) if strategy else []
    count = len(supports_per_idea)
    progress.expect(count)
    ideas: list[Idea] = []
    for start in range(0, count, BATCH):
        batch = []
        for index in range(start, min(count, start + BATCH)):
            topic = WORDS[index % len(WORDS)]
            batch.append(
                Idea(
                    process=process,
                    author_id=citizens[rng.randrange(len(citizens))].pk,
                    title=f"{topic} ({index + 1})",
                    text=" ".join(rng.sample(TEXTS, 3)),
                    district_id=rng.choice(districts) if districts and rng.random() < 0.7 else None,
                    field_of_action_id=rng.choice(fields) if fields and rng.random() < 0.8 else None,
                    support_count=supports_per_idea[index],
                    comment_count=comments_per_idea[index],
                    created_at=now - datetime.timedelta(minutes=rng.randrange(0, 170 * 24 * 60)),
                )
            )
        ideas.extend(Idea.objects.bulk_create(batch))
        progress.advance(len(batch))
    return ideas


def _create_comments(
    ideas: list[Idea], citizens: list[User], targets: list[int], rng: random.Random, progress: ProgressSink
) -> int:
    progress.expect(len(targets))
    replies_wanted = int(len(targets) * REPLY_SHARE)
    top_level = targets[replies_wanted:]
    created: list[Comment] = []
    for start in range(0, len(top_level), BATCH):
        batch = [
            Comment(
                idea_id=ideas[index].pk,
                author_id=citizens[rng.randrange(len(citizens))].pk,
                text=rng.choice(TEXTS),
                created_at=ideas[index].created_at + datetime.timedelta(hours=rng.randrange(1, 240)),
            )
            for index in top_level[start : start + BATCH]
        ]
        created.extend(Comment.objects.bulk_create(batch))
        progress.advance(len(batch))
    # A reply answers a top-level comment of its target idea; where that idea has none, a random one (then the
    # counters are recounted from the rows written).
    by_idea: dict[int, list[Comment]] = {}
    for comment in created:
        by_idea.setdefault(comment.idea_id, []).append(comment)
    replies: list[Comment] = []
    for index in targets[:replies_wanted]:
        threads = by_idea.get(ideas[index].pk)
        parent = rng.choice(threads) if threads else rng.choice(created)
        replies.append(
            Comment(
                idea_id=parent.idea_id,
                parent_id=parent.pk,
                author_id=citizens[rng.randrange(len(citizens))].pk,
                text="Antwort: " + rng.choice(TEXTS),
                created_at=parent.created_at + datetime.timedelta(hours=rng.randrange(1, 48)),
            )
        )
    Comment.objects.bulk_create(replies, batch_size=BATCH)
    progress.advance(len(replies))
    if replies:
        _recount_comments(ideas[0].process_id)
    return len(created) + len(replies)


def _recount_comments(process_id: int) -> None:
    """The ideas' comment counters from the rows written (a reply may have moved to another idea)."""
    counts = dict(
        Comment.objects.filter(idea__process_id=process_id)
        .values("idea_id")
        .annotate(n=Count("pk"))
        .values_list("idea_id", "n")
    )
    stale = [
        Idea(pk=pk, comment_count=counts.get(pk, 0))
        for pk, current in Idea.objects.filter(process_id=process_id).values_list("pk", "comment_count")
        if counts.get(pk, 0) != current
    ]
    Idea.objects.bulk_update(stale, ["comment_count"], batch_size=BATCH)


def _create_supports(
    ideas: list[Idea], citizens: list[User], pairs: list[tuple[int, int]], progress: ProgressSink
) -> int:
    progress.expect(len(pairs))
    now = timezone.now()
    for start in range(0, len(pairs), BATCH * 5):
        batch = [
            Support(idea_id=ideas[idea].pk, user_id=citizens[citizen].pk, created_at=now)
            for citizen, idea in pairs[start : start + BATCH * 5]
        ]
        Support.objects.bulk_create(batch, batch_size=BATCH * 5)
        progress.advance(len(batch))
    return len(pairs)
