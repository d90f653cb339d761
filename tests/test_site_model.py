"""The site's reading of the dataset: a value read alone is what the resource's decoded
properties hold (``Dataset.objects`` reads one predicate's objects when the resource's
properties are not kept; ``Dataset.props`` decodes them all, the reference)."""

from __future__ import annotations

from pathlib import Path

from tests.test_site import BASE, built, quads  # noqa: F401  (fixtures)
from unld.publishing.site.model import Dataset
from unld.publishing.site.store import Store


def test_one_value_read_alone_is_the_decoded_propertys(quads: Store) -> None:  # noqa: F811
    reference, alone = Dataset(quads, BASE), Dataset(quads, BASE)
    checked = 0
    for term in range(quads.lit_end, quads.iri_end):
        iri = quads.value(term)
        props = reference.props(iri)
        alone.forget()  # nothing decoded kept: every read below is a read alone
        for predicate, objects in props.items():
            got = alone.objects(iri, predicate)
            # the same terms, in the same order (the objects' N-Triples text, as the dumps)
            assert [str(o) for o in got] == [str(o) for o in objects], (iri, predicate)
            checked += 1
        assert alone.objects(iri, BASE + "no-such-property") == ()
        assert alone.value(iri, "http://purl.org/dc/terms/title") == reference._value(
            iri, "http://purl.org/dc/terms/title"
        )
    assert checked > 10_000
    # a resource the data does not name has no values
    assert alone.objects(BASE + "nothing-here", "http://purl.org/dc/terms/title") == ()


def test_kept_properties_answer_first(built: Path) -> None:  # noqa: F811
    """When a resource's properties are decoded, a read takes them from there."""
    ds = Dataset(Store.from_nquads(built / "unld.nq"), BASE)
    res = BASE + "doc/A/RES/76/19"
    props = ds.props(res)
    title = "http://purl.org/dc/terms/title"
    assert ds.objects(res, title) is props[title]
