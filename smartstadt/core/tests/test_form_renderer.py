"""The one field template every form uses: choice groups as KERN fieldsets of real checkboxes and radios."""

from __future__ import annotations

import re

from django import forms
from pytest_django.asserts import assertHTMLEqual, assertInHTML

DISTRICTS = [("1", "Alstaden"), ("2", "Sterkrade")]
MANY = [(str(n), f"Organisation {n}") for n in range(30)]


class ExampleForm(forms.Form):
    districts = forms.MultipleChoiceField(
        label="Stadtteile",
        choices=DISTRICTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Wo das Projekt läuft.",
    )
    kind = forms.ChoiceField(label="Art", choices=[("a", "Projekt"), ("b", "Wissen")], widget=forms.RadioSelect)
    partners = forms.MultipleChoiceField(label="Partner", choices=MANY, required=False)  # a <select multiple>
    done = forms.BooleanField(label="Abgeschlossen", required=False)


def test_a_checkbox_group_is_a_fieldset_of_kern_checkboxes_with_clickable_labels():
    html = str(ExampleForm(initial={"districts": ["2"]})["districts"].as_field_group())
    assert 'class="kern-fieldset choice-group"' in html
    assert 'aria-describedby="id_districts-hint"' in html
    optional = '<span class="kern-label__optional">– optional</span>'
    assertInHTML(f'<legend class="kern-label">Stadtteile {optional}</legend>', html)
    assertInHTML(
        '<div class="kern-form-check"><input class="kern-form-check__checkbox" type="checkbox" name="districts"'
        ' value="2" id="id_districts_1" checked><label class="kern-label" for="id_districts_1">Sterkrade</label></div>',
        html,
    )
    assert "kern-form-input__input" not in html  # never drawn as a text field
    assert "data-choice-list" not in html  # short: no filter field


def test_a_radio_group_uses_kern_radios_and_shows_its_error():
    form = ExampleForm(data={})
    html = str(form["kind"].as_field_group())
    assert "kern-fieldset--error" in html
    assert 'aria-describedby="id_kind-error"' in html
    assert html.count('type="radio"') == 2
    assert 'class="kern-form-check__radio kern-form-check__radio--error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_kind-error"' in html


def test_a_long_multiple_select_becomes_a_filterable_checkbox_list():
    html = str(ExampleForm(initial={"partners": ["3", "7"]})["partners"].as_field_group())
    assert "<select" not in html
    assert "data-choice-list" in html
    assert html.count('type="checkbox"') == 30
    assert len(re.findall(r'id="id_partners_\d+" name="partners" type="checkbox"', html)) == 30
    assert "<span data-choice-count>2</span> / 30" in html
    # The filter field waits in a <template> for app.js: without JavaScript, nothing half-working shows.
    assert re.search(r'<template data-choice-filter>.*type="search".*</template>', html, re.S)


def test_the_form_posts_what_the_checkboxes_send():
    form = ExampleForm(data={"kind": "a", "partners": ["3", "7"], "districts": ["1"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["partners"] == ["3", "7"]


def test_a_single_checkbox_stays_a_kern_check():
    html = str(ExampleForm()["done"].as_field_group())
    assertHTMLEqual(
        re.search(r"<input[^>]*>", html).group(0),  # type: ignore[union-attr]
        '<input type="checkbox" name="done" id="id_done" class="kern-form-check__checkbox">',
    )
