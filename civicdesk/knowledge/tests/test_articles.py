"""Articles: shared by a centre or local to a municipality, a local variant winning for its municipality
and never shown to another, audiences, and versions with diff and restore."""

import pytest

from civicdesk.knowledge import selectors, services
from civicdesk.knowledge.models import Article, Audience
from civicdesk.lib.errors import Forbidden, Invalid, NotFound
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Municipality

PUBLISHED = Article.Status.PUBLISHED


@pytest.fixture
def bulky_waste(supervisor, nordhordland):
    """The centre's shared answer, and Gulen's own variant of it."""
    shared = services.article_create(
        actor=supervisor,
        center=nordhordland,
        title="Henting av grovavfall",
        body="Grovavfall blir henta fire gonger i året. Bestill på nettsida.",
        language="nb",
        status=PUBLISHED,
    )
    return shared


@pytest.fixture
def gulen_variant(municipality_admin, gulen, bulky_waste):
    return services.article_create(
        actor=municipality_admin,
        municipality=gulen,
        title="Henting av grovavfall i Gulen",
        body="I Gulen hentar NGIR grovavfall kvar vår. Ring 57 78 20 00.",
        language="nb",
        status=PUBLISHED,
        variant_of=bulky_waste,
    )


def test_the_local_variant_wins_for_its_municipality(agent, gulen, osteroy, bulky_waste, gulen_variant):
    assert selectors.article_for(actor=agent, municipality=gulen, slug=bulky_waste.slug) == gulen_variant
    assert selectors.article_for(actor=agent, municipality=osteroy, slug=bulky_waste.slug) == bulky_waste
    for_gulen = set(selectors.articles_for(actor=agent, municipality=gulen))
    assert gulen_variant in for_gulen and bulky_waste not in for_gulen


def test_a_local_variant_is_never_shown_for_another_municipality(agent, citizen, osteroy, gulen_variant):
    assert gulen_variant not in set(selectors.articles_for(actor=agent, municipality=osteroy))
    samnanger = Municipality.objects.get(slug="samnanger")
    assert gulen_variant not in set(selectors.articles_for(actor=agent, municipality=samnanger))


def test_another_centre_sees_neither(outsider, orebro, bulky_waste, gulen_variant):
    assert not selectors.articles_for(actor=outsider, municipality=orebro).filter(pk__in=[bulky_waste.pk]).exists()
    with pytest.raises(NotFound):
        selectors.article_get(actor=outsider, article_id=gulen_variant.pk)


def test_citizens_read_published_public_answers_only(citizen, municipality_admin, gulen, bulky_waste):
    internal = services.article_create(
        actor=municipality_admin,
        municipality=gulen,
        title="Manus: klage på renovasjon",
        body="Sett over til NGIR.",
        language="nb",
        audience=Audience.AGENTS,
        status=PUBLISHED,
    )
    draft = services.article_create(
        actor=municipality_admin, municipality=gulen, title="Ny gebyrsats", body="Kjem.", language="nb"
    )
    seen = set(selectors.articles_for(actor=citizen, municipality=gulen, published_only=False))
    assert bulky_waste in seen
    assert internal not in seen and draft not in seen


def test_a_variant_must_answer_a_shared_article_of_its_own_centre(municipality_admin, outsider, gulen, orebro):
    orebro_own = services.article_create(
        actor=SYSTEM,
        municipality=orebro,
        title="Grovsopor",
        body="Lämna på återvinningscentralen.",
        language="sv",
    )
    with pytest.raises(Invalid):
        services.article_create(
            actor=municipality_admin,
            municipality=gulen,
            title="Grovavfall",
            body="Tekst",
            language="nb",
            variant_of=orebro_own,
        )


def test_only_the_centres_supervisors_keep_shared_articles(agent, municipality_admin, nordhordland, bulky_waste):
    with pytest.raises(Forbidden):
        services.article_update(actor=municipality_admin, article=bulky_waste, body="Annan tekst.")
    with pytest.raises(Forbidden):
        services.article_create(actor=agent, center=nordhordland, title="T", body="B", language="nb")


def test_every_change_is_a_version_with_a_diff_and_can_be_restored(supervisor, bulky_waste):
    services.article_update(actor=supervisor, article=bulky_waste, body="Grovavfall blir henta to gonger i året.")
    services.article_status_set(actor=supervisor, article=bulky_waste, status=Article.Status.ARCHIVED)
    versions = list(selectors.article_versions(actor=supervisor, article=bulky_waste))
    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[0].changed_by == supervisor
    diff = selectors.article_diff(actor=supervisor, article=bulky_waste, older=1, newer=2)
    assert "-Grovavfall blir henta fire gonger i året. Bestill på nettsida." in diff
    assert "+Grovavfall blir henta to gonger i året." in diff
    services.article_restore(actor=supervisor, article=bulky_waste, version=1)
    bulky_waste.refresh_from_db()
    assert bulky_waste.body.startswith("Grovavfall blir henta fire gonger")
    assert bulky_waste.version == 4
    assert "Restored version 1" in bulky_waste.versions.first().note


def test_a_slug_is_made_from_the_title_and_is_unique_in_its_scope(supervisor, nordhordland, bulky_waste):
    assert bulky_waste.slug == "henting-av-grovavfall"
    with pytest.raises(Invalid):
        services.article_create(
            actor=supervisor, center=nordhordland, title="Henting av grovavfall", body="Igjen", language="nb"
        )
