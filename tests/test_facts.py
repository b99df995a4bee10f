"""Facts about the real inventory's content (the rest of the suite works on any inventory)."""

from __future__ import annotations

import datetime

import yaml


def test_overview_table_names_the_products_of_rasas_own_table(text):
    table = text("blocks/overview-table.md")
    for product in ("Amazon S3", "Azure Blob Storage", "Google Cloud Storage", "Amazon RDS for PostgreSQL"):
        assert product in table


def test_values_use_the_chart_2x_layout(text, inventory):
    for cloud in inventory.clouds:
        values = yaml.safe_load(text(f"files/{cloud.id}/values.yml"))
        endpoints = values["rasa"]["settings"]["endpoints"]
        assert {"tracker_store", "lock_store", "action_endpoint"} <= set(endpoints)
        # chart 1.x camelCase keys would be written verbatim and ignored by Rasa
        assert not {"trackerStore", "lockStore", "eventBroker", "actionEndpoint"} & set(endpoints)
        assert "--remote-storage" in values["rasa"]["additionalArgs"]
        refs = [e["valueFrom"] for e in values["rasa"]["additionalEnv"] if "valueFrom" in e]
        stores = {inventory.rasa.kubernetes_secret, inventory.rasa.config_map}
        assert refs and all(next(iter(ref.values()))["name"] in stores for ref in refs)
        assert values["rasa"]["image"]["tag"] == inventory.rasa.version


# A provider changes its pages: a fact not checked for a year is due again. The date comes
# from the run, so a stale inventory fails here, by name, rather than misleading a reader.
STALE_AFTER_DAYS = 365


def test_every_provider_fact_was_checked_within_a_year_and_not_in_the_future(inventory):
    today = datetime.date.today()
    stale = [
        f"{comp.id} on {cloud}: {fact.says[:60]!r} checked {fact.checked} ({fact.source})"
        for comp in inventory.components
        for cloud, offer in comp.offerings.items()
        for fact in offer.facts
        if not (today - datetime.timedelta(days=STALE_AFTER_DAYS) <= fact.checked <= today)
    ]
    assert not stale, "recheck these against their source and update `checked`:\n" + "\n".join(stale)


def test_every_cloud_service_offering_states_its_provider_facts_with_sources(inventory):
    # Each product carries at least one statement with its source: its name and the settings
    # the files rely on are the provider's (or the project's) to change.
    missing = [
        f"{comp.id} on {cloud}" for comp in inventory.components for cloud, offer in comp.offerings.items() if not offer.facts
    ]
    assert not missing, "offerings with no sourced fact: " + ", ".join(missing)
