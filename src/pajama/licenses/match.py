"""Matching a text against the reference license texts (the engine behind license_detect).

A text is compared with the reference texts of the installed SPDX list (license_refs) in two steps:
candidates by shared informative word bigrams (an inverted index, so cost does not grow with the list),
then a word-level alignment (difflib) of each candidate. A copy is the reference license when every
required word is there and nothing material was added: differences may only be template variables
(holder names, years), optional parts (titles, "how to apply" appendices), naming the licensor instead
of "the copyright holders", and at most a few stray words, none a negation and no run of
`MAX_EDIT_RUN` or more words. Anything else that still covers at least half of a reference is reported
as `LicenseRef-modified-<id>`, never as the base license. Text around a matched license is matched
again (a file may hold several licenses); unexplained text around it (titles, notes, third-party
lists) is allowed unless it has restrictive wording (RESTRICTIVE), which makes the result modified.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from pajama.licenses.refs import VAR, Reference, bigram_index, bigrams, informative_sizes, references, words

CANDIDATE_MIN = 0.3  # share of a reference's informative bigrams a text needs to be aligned with it
MODIFIED_MIN = 0.5  # coverage of a reference above which an inexact text is called a modified copy
MAX_CANDIDATES = 4
MAX_EDIT_RUN = 6  # an added or removed run of this many words is a material change
VAR_SLACK = 40  # words a template variable may stand for
MIN_ANCHOR = 4  # equal runs shorter than this do not extend the matched span

NEGATIONS = frozenset({"not", "no", "never", "nor", "except", "only", "without", "prohibited", "non", "neither"})
#: how a GPL-family notice tells the reader where to get the license: postal addresses changed over the years
CONTACT_WORDS = frozenset(
    {
        "write",
        "to",
        "the",
        "free",
        "software",
        "foundation",
        "inc",
        "51",
        "franklin",
        "street",
        "fifth",
        "floor",
        "boston",
        "ma",
        "02110",
        "1301",
        "usa",
        "59",
        "temple",
        "place",
        "suite",
        "330",
        "02111",
        "1307",
        "675",
        "mass",
        "ave",
        "cambridge",
        "02139",
        "see",
        "http",
        "www",
        "gnu",
        "org",
        "licenses",
    }
)
#: words a copy may replace by the licensor's name ("ISC" is the licensor named in the ISC template)
PARTY_WORDS = frozenset(
    {"the", "authors", "author", "copyright", "holders", "holder", "contributors", "or", "and", "isc"}
)
#: words that make unexplained text around a license a condition, not a title or a note
STRONG = re.compile(r"\b(?:non\s?commercial|commercial|sell|prohibit\w*|restrict\w*|military|ethical|forbid\w*|harm)\b")
RESTRICTIVE = re.compile(
    r"\b(?:non\s?commercial|commercial|prohibit\w*|restrict\w*|military|ethical|forbid\w*"
    r"|not|no|never|nor|cannot|shall|must)\b"
)


@dataclass(frozen=True, slots=True)
class TextMatch:
    license: str  # an SPDX id, or LicenseRef-modified-<id>
    base: str
    exact: bool
    score: float  # share of the reference's required words found
    kind: str  # "license" (full text) or "header" (standard notice)


@dataclass(slots=True)
class _Alignment:
    ref: Reference
    matched: int = 0
    missing: int = 0
    added: int = 0
    worst_run: int = 0
    negation: bool = False
    or_later: bool = False  # the notice adds "or (at your option) any later version"
    start: int = 0
    end: int = 0
    edits: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.matched / max(1, self.ref.required_count)

    @property
    def license_id(self) -> str:
        return f"{self.ref.id}+" if self.or_later and not self.ref.id.endswith("+") else self.ref.id

    @property
    def exact(self) -> bool:
        tolerance = 3 + self.ref.required_count // 500
        return (
            self.missing + self.added <= tolerance
            and self.worst_run < MAX_EDIT_RUN
            and not self.negation
            and self.coverage >= 0.97
        )


def candidates(tokens: list[str], kinds: tuple[str, ...] = ("license", "header")) -> list[tuple[float, int]]:
    """(share of the reference's informative bigrams present, reference index), best first."""
    index = bigram_index()
    hits: Counter[int] = Counter()
    for gram in bigrams(tokens):
        for i in index.get(gram, ()):
            hits[i] += 1
    sizes = informative_sizes()
    refs = references()
    scored = [(n / sizes[i], i) for i, n in hits.items() if sizes[i] and refs[i].kind in kinds]
    scored = [(s, i) for s, i in scored if s >= CANDIDATE_MIN]
    scored.sort(key=lambda si: (-si[0], -refs[si[1]].required_count))
    return scored[:MAX_CANDIDATES]


def align(ref: Reference, tokens: list[str]) -> _Alignment:
    """Word alignment of a text with a reference, counting what is missing and what was added."""
    sm = difflib.SequenceMatcher(None, ref.tokens, tokens, autojunk=False)
    ops = sm.get_opcodes()
    anchors = [(j1, j2) for tag, i1, i2, j1, j2 in ops if tag == "equal" and j2 - j1 >= MIN_ANCHOR]
    al = _Alignment(ref)
    if not anchors:
        return al
    al.start, al.end = anchors[0][0], anchors[-1][1]
    for tag, i1, i2, j1, j2 in ops:  # a template variable at either end of the reference takes its words
        if tag != "equal" and VAR in ref.tokens[max(0, i1 - 1) : i2 + 1]:
            if j2 <= al.start and al.start - j1 <= VAR_SLACK:
                al.start = j1
            elif j1 >= al.end and j2 - al.end <= VAR_SLACK:
                al.end = j2
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            al.matched += sum(ref.required[i1:i2])
            continue
        _score_edit(al, ref, tokens, (i1, i2, j1, j2))
    return al


def _score_edit(al: _Alignment, ref: Reference, tokens: list[str], span: tuple[int, int, int, int]) -> None:
    i1, i2, j1, j2 = span
    missing = [ref.tokens[i] for i in range(i1, i2) if ref.required[i]]
    inside = j1 >= al.start and j2 <= al.end
    added = tokens[j1:j2] if inside else []
    near_var = VAR in ref.tokens[max(0, i1 - 1) : i2 + 1]
    if near_var:
        added = added[VAR_SLACK:]
    if not missing and not any(ref.required[max(0, i1 - 1) : i2 + 1]):
        added = []  # words inside an optional part (the program name in a "how to apply" appendix)
    if missing and set(missing) <= PARTY_WORDS and len(added) <= 8:
        al.matched += len(missing)
        return  # "the copyright holders" replaced by the licensor's name
    if set(missing) | set(added) <= CONTACT_WORDS:
        al.matched += len(missing)
        return  # another FSF address, or a URL instead of the address
    if not missing and len(added) <= 14 and "at your option any later" in " ".join(added):
        al.or_later = True
        return
    if not missing and not added:
        return
    al.missing += len(missing)
    al.added += len(added)
    al.worst_run = max(al.worst_run, len(missing), len(added))
    al.negation = al.negation or bool(NEGATIONS.intersection(missing) or NEGATIONS.intersection(added))
    al.edits.append(f"-{' '.join(missing)[:60]} +{' '.join(added)[:60]}".strip())


def match_tokens(tokens: list[str], kinds: tuple[str, ...] = ("license", "header"), depth: int = 0) -> list[TextMatch]:
    """Every license found in a normalized text (several when a file holds several licenses)."""
    if len(tokens) < 8:
        return []
    aligned = _aligned_candidates(tokens, kinds)
    if not aligned:
        return []
    exact = [a for a in aligned if a.exact]
    if not exact:
        # the closest reference: aligned words over the words of either text (Jaccard similarity)
        best = max(aligned, key=lambda a: a.matched / (a.ref.required_count + len(tokens) - a.matched))
        if best.coverage < MODIFIED_MIN:
            return []
        return [TextMatch(f"LicenseRef-modified-{best.ref.id}", best.ref.id, False, best.coverage, best.ref.kind)]
    best = max(exact, key=lambda a: (a.matched, a.coverage))
    found = [TextMatch(best.license_id, best.ref.id, True, best.coverage, best.ref.kind)]
    changed = False
    # after a reference that ends with an optional appendix, only strongly restrictive words count:
    # the appendix of a copy may run on (GPL-2.0's last paragraph is missing from some references)
    after_appendix = not best.ref.required[-1]
    for part, pattern in (
        (tokens[: best.start], RESTRICTIVE),
        (tokens[best.end :], STRONG if after_appendix else RESTRICTIVE),
    ):
        inner = match_tokens(part, kinds, depth + 1) if depth < 3 and len(part) >= 8 else []
        found.extend(inner)
        changed = changed or (not inner and bool(pattern.search(" ".join(part))))
    if changed:
        found[0] = TextMatch(f"LicenseRef-modified-{best.ref.id}", best.ref.id, False, best.coverage, best.ref.kind)
    return found


def _aligned_candidates(tokens: list[str], kinds: tuple[str, ...]) -> list[_Alignment]:
    """Align candidates best first; stop at an exact match once the rest share fewer bigrams."""
    refs = references()
    out: list[_Alignment] = []
    found_share = -1.0
    for share, i in candidates(tokens, kinds):
        if share < found_share:
            break
        al = align(refs[i], tokens)
        out.append(al)
        if al.exact:
            found_share = share
    return out


def match_text(text: str, kinds: tuple[str, ...] = ("license", "header")) -> list[TextMatch]:
    return match_tokens(words(text), kinds)


def header_matches(tokens: list[str]) -> list[TextMatch]:
    """Licenses whose notice or full text is wholly inside a file header (code around it is ignored)."""
    refs = references()
    out = []
    for share, i in candidates(tokens):
        if share < 0.8:
            continue
        al = align(refs[i], tokens)
        if al.coverage >= MODIFIED_MIN:
            lic = al.license_id if al.exact else f"LicenseRef-modified-{refs[i].id}"
            out.append(TextMatch(lic, refs[i].id, al.exact, al.coverage, refs[i].kind))
    out.sort(key=lambda m: (not m.exact, -m.score))
    return out
