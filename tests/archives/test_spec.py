"""Every model of the apps an engagement lives in is either archived or left out on purpose."""

from django.apps import apps

from archives import spec


def concrete_models():
    for app in spec.APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            if not model._meta.abstract and not model._meta.proxy:
                yield model._meta.label_lower


def test_no_model_is_forgotten():
    forgotten = sorted(set(concrete_models()) - set(spec.MODELS) - set(spec.SKIPPED))
    assert forgotten == [], (
        f"{forgotten} are neither archived nor skipped: add each to archives/spec.py MODELS "
        "(with the rows of an engagement it holds) or to SKIPPED with the reason"
    )


def test_the_lists_name_real_models_only():
    known = set(concrete_models())
    assert set(spec.MODELS) <= known
    assert set(spec.SKIPPED) <= known


def test_each_model_comes_after_the_models_it_links_to():
    """The restore creates rows in MODELS' order, so a row's parents must already exist (a link
    to the same model is set afterwards)."""
    order = list(spec.MODELS)
    for position, label in enumerate(order):
        for field in spec.model(label)._meta.concrete_fields:
            if field.is_relation:
                target = field.related_model._meta.label_lower
                if target in spec.MODELS and target != label:
                    assert order.index(target) < position, f"{label}.{field.name} → {target}"
