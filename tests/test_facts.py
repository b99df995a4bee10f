"""Facts about the real inventory's content (the rest of the suite works on any inventory)."""

from __future__ import annotations

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
