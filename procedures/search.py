"""The e-handbook's search, as a pure index over the catalogue's names: what
a person types on a phone — without diacritics, with the i/y spelling of
their region, in everyday words, with a slip of the finger, in Thai or in
English — finds the procedure they mean, best first.

Vietnamese is matched syllable by syllable, never inside a syllable ("con"
does not match "công", "hon" does not match "không"): each syllable is
folded (`fold`: no tone marks, đ → d) and spelt one way (`spelling`: "ky"
and "ki" are one syllable). A syllable typed with its tone marks counts in
full where the name has the same marks and a little less where only the
folded syllable agrees. Everyday words reach the catalogue's through a
maintained list of synonyms (`procedures/data/synonyms.txt`: "làm giấy" is
"đăng ký", "sổ đỏ" is "giấy chứng nhận quyền sử dụng đất"); filler words
("thủ tục", "cần gì") are dropped. A syllable or word the catalogue does
not hold is read as the nearest one it does (one letter off, or two for a
long English word), which also gives "did you mean". English words match
their own family ("registration" finds "register"). Thai has no spaces
between words, so it is matched by overlapping three-letter pieces.

A procedure scores the weight of the words it matches — rare words weigh
more — in its names (any language) and, less, in its sector and result;
words found side by side as typed add to it; a procedure missing some of
the words is pushed down steeply; a shorter name (the general procedure
before its special cases) and the procedure's use at the counter break
near-ties. The module is long because it holds the whole search: the
tokens, the spelling rules, the synonyms, the typo tolerance and the
ranking, which only make sense together.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

_SPACES = re.compile(r"\s+")
# Runs of Thai letters, and runs of other letters and digits.
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_WORD = re.compile(r"[^\W_\u0e00-\u0e7f]+")
_CODE = re.compile(r"^\s*\d+\.\d+\s*$")
# A Vietnamese syllable, folded: an onset, a vowel nucleus and a coda.
_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$")
# "ky", "ly", "quy": the final y after a consonant is spelt i as often.
_FINAL_Y = re.compile(r"^([bcdghklmnprstvx]+|qu)y$")
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"

NAME_WEIGHT = 1.0
OTHER_WEIGHT = 0.35
TONE_MISMATCH = 0.7
NEAR_WORD = 0.75
ADJACENT_BONUS = 0.5
SYNONYM = 0.95
SCATTERED = 0.4
THAI_WEIGHT = 3.0
THAI_ENOUGH = 0.6
# Results below this share of the best score are noise ("lý" of "quản lý"
# for someone who typed "ly hon").
CUTOFF = 0.3


def fold(text: str) -> str:
    """Lowercase, no diacritics (đ → d included: it has no Unicode
    decomposition), single spaces. Thai has no case and its marks carry
    meaning, so Thai text keeps its marks."""
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not (unicodedata.category(ch) == "Mn" and not _is_thai(ch)))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", kept)).strip()


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def spelling(folded: str) -> str:
    """One spelling of a folded word: "ky" and "ki" alike, an English plural
    as its singular. No Vietnamese syllable ends in s, so the plural rule
    never touches one."""
    if _FINAL_Y.match(folded):
        return folded[:-1] + "i"
    if len(folded) > 4 and folded.endswith("ies"):
        return folded[:-3] + "y"
    if len(folded) > 3 and folded.endswith("s") and not folded.endswith("ss"):
        return folded[:-1]
    return folded


def is_syllable(folded: str) -> bool:
    return bool(_SYLLABLE.match(folded))


# What matched in a procedure's names (the words of the word or phrase), so
# that where it stands is worked out only for the procedures scored.
Span = tuple[str, ...] | None
_NONE: tuple[float, Span] = (0.0, None)


@dataclass(frozen=True)
class Token:
    key: str  # folded, spelt one way: what matches
    marked: str  # as written, lowercase: what tells "hôn" from "hơn"


def tokens(text: str) -> list[Token]:
    """The words of a text, Thai left out (see `thai_runs`)."""
    text = unicodedata.normalize("NFC", text).lower()
    return [_token(word) for word in _WORD.findall(text)]


@functools.lru_cache(maxsize=100_000)
def _token(word: str) -> Token:
    return Token(spelling(fold(word)), word)


def thai_runs(text: str) -> list[str]:
    return _THAI_RUN.findall(unicodedata.normalize("NFC", text))


def trigrams(run: str) -> set[str]:
    if len(run) <= 3:
        return {run}
    return {run[i : i + 3] for i in range(len(run) - 2)}


def _has_marks(word: str) -> bool:
    return fold(word) != word


def _stem(key: str) -> str:
    """The family of an English word: "registration", "registered" and
    "register" share "regist". Vietnamese syllables are left alone."""
    if is_syllable(key) or len(key) < 6:
        return key
    for suffix in ("ation", "ition", "ing", "ers", "ment", "er", "ed", "al", "e"):
        if key.endswith(suffix) and len(key) - len(suffix) >= 4:
            return key[: -len(suffix)]
    return key


@dataclass
class Synonyms:
    """Groups of phrases that mean one thing, and filler phrases to drop,
    all as tuples of token keys. Thai phrases are kept as text."""

    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    filler: set[tuple[str, ...]] = field(default_factory=set)
    thai: list[list[str]] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Synonyms:
        """One group per line, phrases separated by "|"; a line starting
        with "~" lists filler; "#" starts a comment."""
        synonyms = cls()
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            is_filler = line.startswith("~")
            phrases = [phrase.strip() for phrase in line.lstrip("~").split("|") if phrase.strip()]
            latin = [tuple(token.key for token in tokens(phrase)) for phrase in phrases if not thai_runs(phrase)]
            thai = [phrase.replace(" ", "") for phrase in phrases if thai_runs(phrase)]
            if is_filler:
                synonyms.filler.update(phrase for phrase in latin if phrase)
            else:
                if len([phrase for phrase in latin if phrase]) > 1:
                    synonyms.groups.append([phrase for phrase in latin if phrase])
                if len(thai) > 1:
                    synonyms.thai.append(thai)
        return synonyms

    @classmethod
    def bundled(cls) -> Synonyms:
        return cls.parse(SYNONYMS_FILE.read_text(encoding="utf-8"))

    @functools.cached_property
    def longest(self) -> int:
        phrases = [phrase for group in self.groups for phrase in group] + list(self.filler)
        return max((len(phrase) for phrase in phrases), default=1)

    @functools.cached_property
    def group_of(self) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
        """Each phrase's group (the first, if it is in two)."""
        found: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for group in self.groups:
            for phrase in group:
                found.setdefault(phrase, group)
        return found


@dataclass(frozen=True)
class Entry:
    """What the index reads of a procedure."""

    id: int
    code: str
    name: str
    name_en: str = ""
    name_th: str = ""
    other: str = ""  # sector names, result: matched with less weight


@dataclass
class _Doc:
    entry: Entry
    # key -> positions, in the names (Vietnamese then English) and elsewhere
    names: dict[str, list[int]]
    marked: dict[str, set[str]]
    other: set[str]
    thai: set[str]
    length: int


@dataclass
class Concept:
    """One thing the person asked for: a word, or a phrase with its
    synonyms; any alternative satisfies it."""

    typed: str
    alternatives: list[tuple[tuple[str, ...], float]]  # (keys, how much a match counts)
    typed_keys: tuple[str, ...] = ()  # a phrase's own words, found apart
    marked: str = ""  # the word as typed, when typed with its marks
    corrected: str = ""  # the catalogue's word read instead of an unknown one
    thai: list[str] = field(default_factory=list)


@dataclass
class Result:
    ids: list[int]
    suggestion: str = ""  # "did you mean": the query as the catalogue spells it
    scores: dict[int, float] = field(default_factory=dict)


class Index:
    """The catalogue's names, ready to search. Build it once per change of
    the catalogue; `search` reads only."""

    def __init__(self, entries: Iterable[Entry], synonyms: Synonyms | None = None):
        self.synonyms = synonyms if synonyms is not None else Synonyms.bundled()
        self.docs: dict[int, _Doc] = {}
        self.postings: dict[str, set[int]] = defaultdict(set)  # in a name or elsewhere
        self.in_names: dict[str, dict[int, list[int]]] = defaultdict(dict)  # key -> procedure -> positions
        self.in_other: dict[str, set[int]] = defaultdict(set)
        self.pairs: dict[tuple[str, str], set[int]] = defaultdict(set)  # two words side by side
        self.by_code: dict[str, int] = {}
        self.spelt: dict[str, Counter[str]] = defaultdict(Counter)  # key -> how it is written
        self.thai_postings: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            self._add(entry)
        self.size = max(len(self.docs), 1)
        self.stems: dict[str, set[str]] = defaultdict(set)
        self.deletes: dict[str, set[str]] = defaultdict(set)
        for key in self.postings:
            if not key.isdigit():
                self.stems[_stem(key)].add(key)
                for variant in _deletions(key):
                    self.deletes[variant].add(key)

    def _add(self, entry: Entry) -> None:
        names: dict[str, list[int]] = defaultdict(list)
        marked: dict[str, set[str]] = defaultdict(set)
        name = re.sub(r"^\s*thủ tục\s+", "", entry.name, flags=re.IGNORECASE)
        vietnamese = tokens(name)
        # English positions start far off, so no phrase spans two languages.
        for offset, words in ((0, vietnamese), (10_000, tokens(entry.name_en))):
            for position, token in enumerate(words):
                names[token.key].append(offset + position)
                marked[token.key].add(token.marked)
                self.spelt[token.key][token.marked] += 1
        other = set()
        for token in tokens(entry.other):
            other.add(token.key)
            self.spelt[token.key][token.marked] += 1
        other -= set(names)
        thai = set().union(*(trigrams(run) for run in thai_runs(entry.name_th))) if entry.name_th else set()
        self.docs[entry.id] = _Doc(entry, dict(names), dict(marked), other, thai, max(len(vietnamese), 1))
        for key, positions in names.items():
            self.in_names[key][entry.id] = positions
            self.postings[key].add(entry.id)
        for words in (vietnamese, tokens(entry.name_en)):
            for first, second in itertools.pairwise(words):
                self.pairs[first.key, second.key].add(entry.id)
        for key in other:
            self.in_other[key].add(entry.id)
            self.postings[key].add(entry.id)
        for gram in thai:
            self.thai_postings[gram].append(entry.id)
        self.by_code[entry.code] = entry.id

    # Reading the query

    def concepts(self, query: str) -> list[Concept]:
        words = tokens(query)
        found: list[Concept] = []
        i = 0
        while i < len(words):
            concept, size = self._concept_at(words, i)
            if concept is not None:
                found.append(concept)
            i += size
        for run in thai_runs(query):
            found.append(Concept(run, [], thai=self._thai_alternatives(run)))
        return found

    def _concept_at(self, words: list[Token], i: int) -> tuple[Concept | None, int]:
        """The longest phrase starting at word i that the synonyms know (or
        that is filler, then None), else the word alone; and its length."""
        for size in range(min(self.synonyms.longest, len(words) - i), 0, -1):
            phrase = tuple(token.key for token in words[i : i + size])
            if phrase in self.synonyms.filler and len(words) > size:
                return None, size
            group = self.synonyms.group_of.get(phrase)
            if group is not None:
                typed = " ".join(token.marked for token in words[i : i + size])
                return self._group(typed, phrase, group), size
        return self._word(words[i]), 1

    @staticmethod
    def _group(typed: str, phrase: tuple[str, ...], group: list[tuple[str, ...]]) -> Concept:
        """What was typed counts in full; its synonyms a little less."""
        alternatives = [(alternative, 1.0 if alternative == phrase else SYNONYM) for alternative in group]
        return Concept(typed, alternatives, typed_keys=phrase)

    def _word(self, token: Token) -> Concept:
        key = token.key
        concept = Concept(token.marked, [((key,), 1.0)], marked=token.marked if _has_marks(token.marked) else "")
        if key.isdigit():
            return concept
        family = self.stems.get(_stem(key), set()) - {key}
        concept.alternatives += [((other,), 0.9) for other in sorted(family)]
        if key not in self.postings and not family:
            near = self._near(key)
            concept.alternatives += [((other,), NEAR_WORD) for other in near]
            if near:
                # Letters swapped before a letter changed, before one missing or extra.
                concept.corrected = max(
                    near,
                    key=lambda other: (sorted(other) == sorted(key), len(other) == len(key), len(self.postings[other])),
                )
            elif halves := self._halves(key):
                # Two syllables run together: "khaisinh".
                concept.alternatives.append((halves, NEAR_WORD))
                concept.corrected = " ".join(halves)
        return concept

    def _halves(self, key: str) -> tuple[str, str] | None:
        for cut in range(2, len(key) - 1):
            left, right = key[:cut], key[cut:]
            if is_syllable(left) and is_syllable(right) and left in self.postings and right in self.postings:
                return left, right
        return None

    def _near(self, key: str) -> list[str]:
        """The catalogue's words one letter away (two for a long word that
        is not a Vietnamese syllable): a letter missing, extra, wrong or two
        swapped."""
        if len(key) < 3:
            return []
        found = set(self.deletes.get(key, set()))
        for variant in _deletions(key):
            found |= {variant} & self.postings.keys()
            found |= self.deletes.get(variant, set())
        if not found and len(key) >= 8 and not is_syllable(key):
            for variant in _deletions(key):
                for twice in _deletions(variant):
                    found |= self.deletes.get(twice, set()) | ({twice} & self.postings.keys())
        return sorted(
            other
            for other in found
            if other != key and not other.isdigit() and _distance(key, other) <= (1 if len(key) < 8 else 2)
        )

    def _thai_alternatives(self, run: str) -> list[str]:
        alternatives = [run]
        for group in self.synonyms.thai:
            for phrase in group:
                if phrase in run:
                    alternatives += [run.replace(phrase, other) for other in group if other != phrase]
        return alternatives

    # Ranking

    def search(self, query: str, *, uses: Mapping[int, int] | None = None, limit: int = 500) -> Result:
        """The procedures matching the query, best first; `uses` (how often
        each procedure is used) breaks near-ties."""
        query = unicodedata.normalize("NFC", query).strip()
        if not query:
            return Result([])
        if _CODE.match(query):
            code = query.strip()
            return Result([self.by_code[code]] if code in self.by_code else [])
        concepts = self.concepts(query) or [self._word(token) for token in tokens(query)]
        if not concepts:
            return Result([])
        matches = [self._matches(concept) for concept in concepts]
        weights = [self._weight(concept, matched) for concept, matched in zip(concepts, matches, strict=True)]
        total = sum(weights) or 1.0
        # The words each procedure has, by weight: a procedure with few of
        # them cannot come near the best, and is not scored at all.
        matched_weight: dict[int, float] = defaultdict(float)
        for weight, matched in zip(weights, matches, strict=True):
            for doc_id in matched:
                matched_weight[doc_id] += weight
        uses = uses or {}
        most_used = max(uses.values(), default=0)
        scores: dict[int, float] = {}
        best = 0.0
        for doc_id in sorted(matched_weight, key=matched_weight.__getitem__, reverse=True):
            coverage = matched_weight[doc_id] / total
            # At most: every word in full, side by side, the most used.
            if matched_weight[doc_id] * (1 + 2 * ADJACENT_BONUS) * coverage**2 * 1.25 < CUTOFF * best:
                break
            got = [matched.get(doc_id, _NONE) for matched in matches]
            score = sum(weight * strength for weight, (strength, _) in zip(weights, got, strict=True))
            score += self._adjacency(doc_id, weights, got)
            score *= coverage**2
            score /= 1 + 0.08 * math.log1p(self.docs[doc_id].length)
            if most_used:
                score *= 1 + 0.25 * math.log1p(uses.get(doc_id, 0)) / math.log1p(most_used)
            scores[doc_id] = score
            best = max(best, score)
        if not scores:
            return Result([], self._suggestion(concepts))
        best = max(scores.values())
        ranked = sorted(
            (doc_id for doc_id, score in scores.items() if score >= CUTOFF * best),
            key=lambda doc_id: (-scores[doc_id], self.docs[doc_id].length, self.docs[doc_id].entry.code),
        )[:limit]
        return Result(ranked, self._suggestion(concepts), {doc_id: scores[doc_id] for doc_id in ranked})

    def _weight(self, concept: Concept, matched: Mapping[int, tuple[float, Span]]) -> float:
        if concept.thai:
            return THAI_WEIGHT
        return math.log(1 + self.size / (1 + len(matched)))

    def _matches(self, concept: Concept) -> dict[int, tuple[float, Span]]:
        """How strongly each procedure matches a concept (0–1), and where in
        its names the match starts and how long it is, when it is there."""
        if concept.thai:
            return self._thai_matches(concept)
        found: dict[int, tuple[float, Span]] = {}
        for keys, strength in concept.alternatives:
            if len(keys) == 1:
                self._match_word(concept, keys[0], strength, found)
            else:
                self._match_phrase(concept, keys, strength, found)
        if len(concept.typed_keys) > 1:
            # A synonym matched: the words as typed, found apart, tip the balance.
            for doc_id in found.keys() & _common(self.in_names.get(key, {}).keys() for key in concept.typed_keys):
                got, span = found[doc_id]
                found[doc_id] = (min(got + 0.05, NAME_WEIGHT), span)
        return found

    def _match_word(self, concept: Concept, key: str, strength: float, found: dict[int, tuple[float, Span]]) -> None:
        full = NAME_WEIGHT * strength
        for doc_id in self.in_names.get(key, {}):
            got = full
            if concept.marked and concept.marked not in self.docs[doc_id].marked[key]:
                got *= TONE_MISMATCH
            if got > found.get(doc_id, _NONE)[0]:
                found[doc_id] = (got, (key,))
        weak = OTHER_WEIGHT * strength
        for doc_id in self.in_other.get(key, ()):
            if weak > found.get(doc_id, _NONE)[0]:
                found[doc_id] = (weak, None)

    def _match_phrase(
        self, concept: Concept, keys: tuple[str, ...], strength: float, found: dict[int, tuple[float, Span]]
    ) -> None:
        """A phrase counts where its words stand side by side; the phrase as
        typed counts a little where its words stand apart, but a synonym's
        words apart are noise ("lý … đi" is not "ly dị")."""
        together = _common(self.pairs.get(pair, set()) for pair in itertools.pairwise(keys))
        for doc_id in together:
            doc = self.docs[doc_id]
            if len(keys) > 2 and not _phrase_starts(doc.names, keys):
                continue  # each two neighbours side by side, but not all of them at once
            got = NAME_WEIGHT * strength
            if concept.marked and concept.marked not in doc.marked[keys[0]]:
                got *= TONE_MISMATCH
            if got > found.get(doc_id, _NONE)[0]:
                found[doc_id] = (got, keys)
        if keys == concept.typed_keys:
            apart = NAME_WEIGHT * strength * SCATTERED
            for doc_id in _common(self.in_names.get(key, {}).keys() for key in keys):
                if apart > found.get(doc_id, _NONE)[0]:
                    found[doc_id] = (apart, None)

    def _thai_matches(self, concept: Concept) -> dict[int, tuple[float, Span]]:
        """Thai is matched by its three-letter pieces, each weighing by how
        rare it is: "จดทะเบียน" (to register) is everywhere, "ตาย" (death) is
        what tells one procedure from another."""
        found: dict[int, tuple[float, Span]] = {}
        common = len(self.docs) / 4
        for alternative in concept.thai:
            weights = {
                gram: math.log(1 + self.size / (1 + len(self.thai_postings.get(gram, ()))))
                for gram in trigrams(alternative)
            }
            whole = sum(weights.values())
            # Pieces found in a quarter of the catalogue or more do not pick
            # candidates (unless nothing else does); they still count.
            telling = {gram for gram in weights if len(self.thai_postings.get(gram, ())) <= common} or set(weights)
            counts: dict[int, float] = defaultdict(float)
            for gram in telling:
                for doc_id in self.thai_postings.get(gram, ()):
                    counts[doc_id] += weights[gram]
            rest = {gram: weight for gram, weight in weights.items() if gram not in telling}
            enough = THAI_ENOUGH * whole - sum(rest.values())
            for doc_id, got in counts.items():
                if got < enough:
                    continue  # even with every common piece, too little
                grams = self.docs[doc_id].thai
                share = (got + sum(weight for gram, weight in rest.items() if gram in grams)) / whole
                if share >= THAI_ENOUGH and share > found.get(doc_id, _NONE)[0]:
                    found[doc_id] = (share, None)
        return found

    def _adjacency(self, doc_id: int, weights: list[float], got: list[tuple[float, Span]]) -> float:
        """Words typed side by side and found side by side, in that order."""
        names = self.docs[doc_id].names
        bonus = 0.0
        for i in range(len(got) - 1):
            left, right = got[i][1], got[i + 1][1]
            if left is not None and right is not None:
                follows = set(_phrase_starts(names, right))
                if any(start + len(left) in follows for start in _phrase_starts(names, left)):
                    bonus += ADJACENT_BONUS * (weights[i] + weights[i + 1])
        return bonus

    def _suggestion(self, concepts: list[Concept]) -> str:
        """The query as the catalogue would spell it, tone marks and all,
        when a word was read as another; empty when nothing was corrected."""
        if not any(concept.corrected for concept in concepts):
            return ""
        words = []
        for concept in concepts:
            typed = concept.corrected.split() if concept.corrected else concept.typed.split()
            words += [self._spelt(word) for word in typed]
        return " ".join(words)

    def _spelt(self, word: str) -> str:
        """A word as the catalogue writes it most often, unless typed with its
        marks."""
        if _has_marks(word) or thai_runs(word):
            return word
        forms = self.spelt.get(spelling(fold(word)))
        return forms.most_common(1)[0][0] if forms else word


def _common(postings: Iterable[Collection[int]]) -> set[int]:
    """The procedures in every one of these postings."""
    ordered = sorted(postings, key=len)
    found = set(ordered[0])
    for posting in ordered[1:]:
        found.intersection_update(posting)
    return found


def _phrase_starts(positions: Mapping[str, list[int]], keys: tuple[str, ...]) -> list[int]:
    """Where the words stand side by side in this order."""
    return [
        start
        for start in positions.get(keys[0], ())
        if all(start + offset in positions.get(key, ()) for offset, key in enumerate(keys[1:], 1))
    ]


def _distance(a: str, b: str) -> int:
    """Letters to add, drop, change or swap with a neighbour to turn a into
    b (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _deletions(word: str) -> set[str]:
    """The word with one letter left out; with two neighbours swapped too,
    so that a swap is one step away."""
    found = {word[:i] + word[i + 1 :] for i in range(len(word))}
    found |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    return found
