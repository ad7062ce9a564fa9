"""A translated module's library page names the programmes that reach patients through
it: those that pin the module it translates (decision 0138). It said "No programme uses
this module yet" though patients of those programmes were reading it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from tessera.programs import actions


def _danish(world, *, publish: bool):
    danish = actions.do_create_module_translation(
        world.module, acting_user=world["author"], language="da"
    )
    if publish:
        actions.do_publish_module(danish.versions.get(), acting_user=world["author"])
    return danish


def _page(login, user, module) -> str:
    with translation.override("en"):
        return login(user).get(reverse("library_module", args=[module.pk])).content.decode()


def test_a_published_translation_names_the_programmes_of_its_original(world, library, login):
    danish = _danish(world, publish=True)
    for user in [world["author"], world["therapist"]]:
        page = _page(login, user, danish)
        assert "No programme uses this module yet" not in page
        assert (
            "Through the module it translates, “lib-activity”: patients who read Danish get"
            " this translation in these programmes." in page
        )
        assert "Depression, behavioural activation" in page
        programme = reverse("library_programme", args=[world.programme.pk])
        assert f'{programme}?version={world.programme_version.number}"' in page


def test_a_draft_translation_says_when_it_will_be_used(world, library, login):
    page = _page(login, world["author"], _danish(world, publish=False))
    assert "will get this translation in these programmes once a version of it" in page
    assert "Depression, behavioural activation" in page


def test_a_translation_whose_original_is_unused_says_so(world, library, login):
    author = world["author"]
    unused = actions.do_create_module(
        world.region, acting_user=author, key="lib-sleep", title="Sleep", language="en"
    )
    version = unused.versions.get()
    actions.do_add_step(version, acting_user=author, kind="text", title="Why", body="Rest.")
    actions.do_publish_module(version, acting_user=author)
    swedish = actions.do_create_module_translation(unused, acting_user=author, language="sv")
    page = _page(login, author, swedish)
    assert "No programme uses this translation or the module it translates yet." in page
    assert "No programme uses this module yet" not in page


def test_the_original_keeps_its_own_list(world, library, login):
    _danish(world, publish=True)
    page = _page(login, world["author"], world.module)
    assert "Depression, behavioural activation" in page
    assert "Through the module it translates" not in page
