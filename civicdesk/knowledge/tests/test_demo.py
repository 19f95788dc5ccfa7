"""The demo world's knowledge (left out of the tests' shared world): built through the import and services."""

from civicdesk.knowledge import demo, selectors
from civicdesk.knowledge.models import Article, Incident


def test_the_demo_knowledge_answers_in_each_centres_language(agent, citizen, gulen, osteroy):
    demo.build()

    assert Article.objects.count() == 73
    assert set(Article.objects.filter(variant_of__isnull=False).values_list("municipality__slug", flat=True)) == {
        "gulen",
        "samnanger",
    }
    assert selectors.active_incidents(actor=agent, municipality=gulen)[0].severity == Incident.Severity.MAJOR
    assert selectors.knowledge_search(actor=citizen, query="skrammel", municipality=gulen)[0].slug == (
        "grovavfall-henting-gulen"
    )
    assert selectors.knowledge_search(actor=agent, query="grovavfall", municipality=osteroy)[0].slug == (
        "grovavfall-henting"
    )
