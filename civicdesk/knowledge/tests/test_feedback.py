"""What readers tell us: whether an answer helped, the questions without a good answer (the "missing
knowledge" list, per municipality and topic), and the synonyms a municipality maintains."""

import pytest

from civicdesk.knowledge import selectors, services
from civicdesk.knowledge.models import Article
from civicdesk.lib.errors import Forbidden, Invalid
from civicdesk.organisations.models import Topic


@pytest.fixture
def answer(municipality_admin, gulen):
    return services.article_create(
        actor=municipality_admin,
        municipality=gulen,
        title="Eigedomsskatt i Gulen",
        body="Satsen er 4 promille.",
        language="nb",
        status=Article.Status.PUBLISHED,
    )


def test_agents_and_citizens_say_whether_an_answer_helped(agent, citizen, gulen, answer):
    services.answer_feedback_give(actor=agent, article=answer, helped=True, municipality=gulen)
    services.answer_feedback_give(actor=citizen, article=answer, helped=False, query="eigedomskatt rabatt")
    assert selectors.answer_rates(actor=agent, articles=[answer]) == {answer.pk: (1, 1)}


def test_questions_without_a_good_answer_are_listed_most_asked_first(agent, citizen, gulen, osteroy):
    waste = Topic.objects.get(municipality=None, key="waste")
    for actor, query in ((agent, "Hytterenovasjon"), (citizen, "hytte renovasjon"), (agent, "hytterenovasjon ")):
        services.search_miss_record(actor=actor, query=query, municipality=gulen, topic=waste)
    services.search_miss_record(actor=agent, query="Hytterenovasjon", municipality=gulen)
    services.search_miss_record(actor=agent, query="Kaiplass", municipality=osteroy)
    services.search_miss_record(actor=agent, query="   ", municipality=gulen)
    listed = selectors.missing_knowledge(actor=agent, municipality=gulen)
    assert [(item.query.strip().lower(), item.topic, item.times) for item in listed][:1] == [
        ("hytterenovasjon", waste, 2)
    ]
    assert all(item.municipality == gulen for item in listed)
    assert "Kaiplass" in [item.query for item in selectors.missing_knowledge(actor=agent)]


def test_another_centre_never_sees_the_misses(outsider, agent, gulen):
    services.search_miss_record(actor=agent, query="Ferjekai", municipality=gulen)
    assert selectors.missing_knowledge(actor=outsider) == []


def test_a_municipality_keeps_its_synonyms(municipality_admin, agent, gulen):
    group = services.synonyms_set(
        actor=municipality_admin, municipality=gulen, terms="bossbil = renovasjonsbil, søppelbil"
    )
    assert group.terms == "bossbil = renovasjonsbil = søppelbil"
    with pytest.raises(Invalid):
        services.synonyms_set(actor=municipality_admin, municipality=gulen, terms="boss")
    with pytest.raises(Forbidden):
        services.synonyms_set(actor=agent, municipality=gulen, terms="a = b")
