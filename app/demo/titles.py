"""Work item titles a coordinator would recognise, from the team's own business nouns.

A title names the domain object and, where it matters, the component or regulation, so a
filtered list reads like a real backlog ("GDPR: retention policy for invoices").
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from app.demo.vocabulary import FLAGS, LIBRARIES, REGULATIONS, SURFACES, TITLES

if TYPE_CHECKING:
    from app.demo.world import WorkloadRec, World


def regulation_for(rng: random.Random, data: str) -> str:
    pool = [r for flag in data for r in REGULATIONS.get(flag, ())]
    return rng.choice(pool or REGULATIONS[""])


def title_for(rng: random.Random, world: World, rec: WorkloadRec) -> str:
    domain = world.teams[rec.team].domain
    component = world.components[rec.components[0]]
    noun = rng.choice(domain.nouns)
    library, version = rng.choice(LIBRARIES.get(component.kind, LIBRARIES["service"]))
    template = rng.choice(TITLES[rec.change_class])
    text = template.format(
        noun=noun,
        Noun=noun[:1].upper() + noun[1:],
        component=component.name,
        surface=rng.choice(SURFACES.get(component.kind, SURFACES["any"])),
        flag=rng.choice(FLAGS),
        lib=library,
        ver=version,
        reg=regulation_for(rng, component.data),
        n=rng.choice((20, 40, 60, 100)),
        ms=rng.choice((250, 500, 800, 1500)),
        year=world.anchor.year - rng.choice((0, 0, 1)),
        cve=rng.randrange(10_000, 60_000),
    )
    return text[:300]


def incident_title(rng: random.Random, template: str, component: str, noun: str) -> str:
    return template.format(component=component, noun=noun, Noun=noun[:1].upper() + noun[1:])
