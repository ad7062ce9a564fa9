"""The allocation sequence: permuted blocks of random size, one sequence per stratum.

Pure Python. The recipe is recorded on the study (``seed``, ``method``,
``block_multipliers``) so a statistician can regenerate the sequence and check it:

- Each stratum has its own generator, ``random.Random(f"{seed}:{stratum}")`` (Python's
  Mersenne Twister; a text seed is hashed with SHA-512, the same on every platform and
  every Python 3 version).
- A block holds every arm ``ratio × m`` times, ``m`` drawn at random from the
  multipliers (with two equal arms and multipliers 1, 2, 3: blocks of 2, 4 or 6), in an
  order shuffled by the generator. Random block sizes keep the last allocations of a
  block from being guessed.
- Whole blocks are generated until the stratum has at least ``length`` places.

Reference: Schulz KF, Grimes DA. Generation of allocation sequences in randomised trials:
chance, not choice. Lancet 2002;359:515-519 (permuted blocks of random size, and why
the sequence must be concealed from recruiters).
"""

from __future__ import annotations

import itertools
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

METHOD = (
    "permuted blocks of random size per stratum; random.Random(f'{seed}:{stratum}') "
    "(MT19937), block = each arm ratio×m times, m = rng.choice(multipliers), rng.shuffle"
)
DEFAULT_MULTIPLIERS = (1, 2, 3)


@dataclass(frozen=True)
class Place:
    stratum: str
    position: int  # 1, 2, … within the stratum
    block: int  # 1, 2, … within the stratum
    block_size: int
    arm: str


def new_seed() -> str:
    return secrets.token_hex(16)


def stratum_key(parts: Sequence[tuple[str, str]]) -> str:
    """``site=3|severity=high``: the factors in the order given."""
    return "|".join(f"{name}={value}" for name, value in parts) or "all"


def strata(sites: Iterable[int] | None, severity: bool) -> list[str]:
    """Every stratum: the product of the sites (when stratified by site) and
    the two severity levels (when stratified by baseline severity)."""
    factors: list[list[tuple[str, str]]] = []
    if sites is not None:
        factors.append([("site", str(site)) for site in sorted(sites)])
    if severity:
        factors.append([("severity", "low"), ("severity", "high")])
    return [stratum_key(combo) for combo in itertools.product(*factors)]


def stratum_sequence(
    seed: str,
    stratum: str,
    arms: Sequence[tuple[str, int]],
    length: int,
    multipliers: Sequence[int] = DEFAULT_MULTIPLIERS,
) -> list[Place]:
    """The places of one stratum: whole permuted blocks, at least ``length`` places."""
    if not arms or any(ratio < 1 for _code, ratio in arms):
        raise ValueError("every arm needs a ratio of at least 1")
    if not multipliers or any(m < 1 for m in multipliers):
        raise ValueError("block multipliers must be whole numbers from 1")
    rng = random.Random(f"{seed}:{stratum}")
    places: list[Place] = []
    block = 0
    while len(places) < length:
        block += 1
        m = rng.choice(list(multipliers))
        content = [code for code, ratio in arms for _ in range(ratio * m)]
        rng.shuffle(content)
        for arm in content:
            places.append(Place(stratum, len(places) + 1, block, len(content), arm))
    return places


def sequence(
    seed: str,
    strata_keys: Sequence[str],
    arms: Sequence[tuple[str, int]],
    length: int,
    multipliers: Sequence[int] = DEFAULT_MULTIPLIERS,
) -> list[Place]:
    """Every stratum's places, stratum by stratum."""
    return [
        place
        for stratum in strata_keys
        for place in stratum_sequence(seed, stratum, arms, length, multipliers)
    ]
