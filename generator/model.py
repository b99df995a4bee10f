"""The inventory schema, declared once.

Every field carries a one-line description; the JSON Schema that editors use
(`schema/inventory.schema.json`) is exported from these models, so the two
cannot drift apart.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from .typed import Field, Pattern, Record

# Human wording for each pattern, used by the error formatter so that a
# pattern mismatch reads "expected <phrase>, got ..." instead of a regex.
SLUG = r"^[a-z][a-z0-9-]*$"
ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"
HTTPS_URL = r"^https://\S+$"
DOTTED_CLASS = r"^diagrams(\.[a-z0-9_]+)+\.[A-Z][A-Za-z0-9_]*$"
SECRET_KEY = r"^[-._a-zA-Z0-9]+$"
NON_EMPTY = r"\S"
VERSION = r"^\d+\.\d+\.\d+$"

PATTERN_PHRASES: dict[str, str] = {
    SLUG: "an id of lower-case letters, digits and hyphens, starting with a letter",
    ENV_NAME: "an environment variable name in upper case (A-Z, 0-9, _)",
    HTTPS_URL: "an https:// URL",
    DOTTED_CLASS: "a `diagrams` node class such as diagrams.aws.storage.S3",
    SECRET_KEY: "a Kubernetes Secret key (letters, digits, '-', '_' or '.')",
    NON_EMPTY: "a non-empty text",
    VERSION: "a full release number such as 3.21.0",
}

Slug = Annotated[str, Pattern(SLUG)]
Text = Annotated[str, Pattern(NON_EMPTY)]
Url = Annotated[str, Pattern(HTTPS_URL)]
IconClass = Annotated[str, Pattern(DOTTED_CLASS)]


class Strict(Record):
    """Base: unknown keys are errors and no value is silently coerced (typed.py)."""


class EnvVar(Strict):
    """An environment variable a component needs at run time."""

    name: Annotated[str, Pattern(ENV_NAME)] = Field(
        description="Variable name, as Rasa reads it or as a ${NAME} placeholder uses it."
    )
    description: Text = Field(
        description="What the variable holds, in one sentence; {release} and {namespace} stand for the reader's."
    )
    secret: bool = Field(description="True for credentials: never given a value, always read from a Kubernetes Secret.")
    example: Text | None = Field(
        default=None,
        description="Example value for a non-secret variable (secrets must not have one).",
    )
    secret_key: Annotated[str, Pattern(SECRET_KEY)] | None = Field(
        default=None,
        description="Key inside the Kubernetes Secret; defaults to the variable name.",
    )
    chart_secret: list[Text] | None = Field(
        default=None,
        description="Chart value ({secretName, secretKey}) through which the chart itself reads this secret.",
    )
    chart_secret_fields: list[Text] | None = Field(
        default=None,
        description="Names the chart gives the Secret's name and key at chart_secret, if not secretName and secretKey.",
    )
    workstation: bool = Field(
        default=True,
        description="Whether `rasa run` on a workstation needs it; false for settings only another container of the chart reads.",
    )
    file: bool = Field(
        default=False,
        description="The variable holds a file path; on Kubernetes the file is mounted from a ConfigMap at that path.",
    )
    helm_value: list[Text] | None = Field(
        default=None,
        description="Chart value path this variable sets at install (helm --set-string); it never reaches the pod.",
    )
    run_flag: Annotated[str, Pattern(r"^--[a-z][a-z-]*$")] | None = Field(
        default=None,
        description="`rasa run` option that takes this variable on a workstation (the chart passes it itself).",
    )
    training: bool = Field(
        default=False,
        description="`rasa train` reads it itself (licence, model storage, embedding provider), besides endpoints.yml's.",
    )
    pod_value: Text | None = Field(
        default=None,
        description="Value the Helm values give the pod ({release} is the release name); export it only for a workstation.",
    )


class Fragment(Strict):
    """Configuration one component contributes to the assembled files."""

    endpoints: dict[str, Any] = Field(
        default_factory=dict,
        description="Top-level endpoints.yml keys this part sets (also written to rasa.settings.endpoints).",
    )
    values: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra Helm values for the rasa chart, beyond endpoints, args and environment.",
    )
    args: list[Text] = Field(
        default_factory=list,
        description="Extra `rasa run` arguments (rasa.additionalArgs in Helm).",
    )
    remote_storage: Slug | None = Field(
        default=None,
        description="Model storage for `rasa train` and `rasa run` (--remote-storage aws, gcs or azure).",
    )
    credentials: dict[str, Any] = Field(
        default_factory=dict,
        description="credentials.yml settings: the channels this part opens (also written to rasa.settings.credentials).",
    )
    assistant: dict[str, Any] = Field(
        default_factory=dict,
        description="The assistant's config.yml settings this part needs (pipeline and policies naming its model groups).",
    )
    replaces: dict[str, Any] = Field(
        default_factory=dict,
        description="endpoints.yml settings this part replaces in other parts when selected (e.g. Vault-held credentials).",
    )
    env: list[EnvVar] = Field(default_factory=list, description="Environment variables this part needs.")


class Connection(Strict):
    """A link from one component to another, drawn as an arrow."""

    to: Slug = Field(description="Id of the component this one talks to.")
    label: Text = Field(description="What flows along the connection, in a few words.")
    protocol: Text = Field(description="Wire protocol, e.g. HTTP, gRPC, PostgreSQL, Kafka.")


class Variant(Strict):
    """A mutually exclusive way to run a component (e.g. HTTP or gRPC)."""

    id: Slug = Field(description="Stable id of the variant, unique within its component.")
    name: Text = Field(description="Display name of the variant.")
    description: Text = Field(description="When to pick this variant, in a sentence or two.")
    config: Fragment = Field(default_factory=Fragment, description="Configuration added when this variant is chosen.")


class Fact(Strict):
    """A statement about a provider's product that no test here can check, with where and when it was read."""

    says: Text = Field(description="The statement, in one or two sentences, as the site shows it.")
    source: Url = Field(description="The provider's own page that states it.")
    checked: datetime.date = Field(description="The day the statement was last checked against that page (YYYY-MM-DD).")


class Offering(Strict):
    """A cloud provider's managed product for a component."""

    product: Text = Field(description="Product name as the provider spells it.")
    url: Url = Field(description="Provider's product page.")
    icon: IconClass = Field(description="`diagrams` node class that draws the product.")
    note: Text | None = Field(
        default=None, description="Advice on using this product with Rasa Pro (what the files and their proof cover)."
    )
    facts: list[Fact] = Field(
        default_factory=list,
        description="The provider's statements the files rely on (ports, roles, defaults, dates, names), each with its source.",
    )
    config: Fragment = Field(
        default_factory=Fragment,
        description="Configuration added on this cloud (merged over the component's).",
    )


class Cloud(Strict):
    """A cloud provider; adding one here adds its diagram, table, files and page."""

    id: Slug = Field(description="Stable id, used in file names and URLs.")
    name: Text = Field(description="Short name used in tabs and table headers.")
    title: Text = Field(description="Full provider name.")
    kubernetes: Text = Field(description="Managed Kubernetes service the Rasa chart runs on.")
    kubernetes_url: Url = Field(description="Product page of that Kubernetes service.")


class Group(Strict):
    """A family of components, drawn as one cluster."""

    id: Slug = Field(description="Stable id of the group.")
    name: Text = Field(description="Display name, e.g. 'Provided by Rasa'.")
    description: Text = Field(description="Who supplies the components of this group.")
    cloud_services: bool = Field(description="True if every component here needs a managed offering on every cloud.")


class Component(Strict):
    """One part of a Rasa Pro deployment."""

    id: Slug = Field(description="Stable id: the anchor, file name and diagram node id.")
    name: Text = Field(description="Display name.")
    group: Slug = Field(description="Id of the group the component belongs to.")
    required: bool = Field(description="True if every deployment needs it.")
    needed_when: Text | None = Field(default=None, description="For optional parts: the situation that makes it necessary.")
    default_enabled: bool = Field(
        default=True,
        description="For optional parts: included in the assembled per-cloud files by default.",
    )
    requires: list[Slug] = Field(
        default_factory=list,
        description="Ids of optional components this one cannot work without; it is offered only with them.",
    )
    summary: Text = Field(description="One-line role, shown in tables and tooltips.")
    description: Text = Field(description="A short paragraph on what it does and how Rasa uses it.")
    docs_url: Url = Field(description="Rasa's reference page for this part.")
    icon: IconClass = Field(description="Cloud-neutral `diagrams` node class for the overview.")
    connections: list[Connection] = Field(default_factory=list, description="Outgoing connections.")
    config: Fragment = Field(default_factory=Fragment, description="Configuration shared by every cloud.")
    variants: list[Variant] = Field(default_factory=list, description="Alternative ways to run it; the first is the default.")
    offerings: dict[Slug, Offering] = Field(
        default_factory=dict, description="Managed product per cloud id (cloud services only)."
    )


class HelmChart(Strict):
    """The Rasa Pro Helm chart the values target."""

    repo_name: Slug = Field(description="Local name for `helm repo add`.")
    repo_url: Url = Field(description="Chart repository URL.")
    chart: Slug = Field(description="Chart name inside the repository.")
    version: Text = Field(description="Chart version the values are checked against.")
    release: Slug = Field(description="Release name used in examples and service URLs.")


class Rasa(Strict):
    """Facts about the Rasa Pro release the files target."""

    version: Annotated[str, Pattern(VERSION)] = Field(
        description="Rasa Pro release the files are proven with; also the container image tag the values pin."
    )
    model: Slug = Field(description="Name of the model archive (without .tar.gz) that training uploads and the server fetches.")
    helm: HelmChart = Field(description="The Helm chart.")
    namespace: Slug = Field(description="Kubernetes namespace the commands install into.")
    kubernetes_secret: Slug = Field(description="Name of the Kubernetes Secret holding credentials.")
    config_map: Slug = Field(description="ConfigMap holding the other exported settings (and, suffixed -files, mounted files).")


class MessageStep(Strict):
    """One step in the path of one user message through the deployment."""

    component: Slug = Field(description="Id of the component that acts in this step.")
    text: Text = Field(description="What happens, in one sentence.")
    key: Text = Field(description="The configuration that governs the step, e.g. 'endpoints.yml: lock_store'.")


class Inventory(Strict):
    """The whole inventory: the single source of truth for the site."""

    title: Text = Field(description="Site and diagram title.")
    rasa: Rasa = Field(description="Rasa Pro release and chart facts.")
    groups: list[Group] = Field(description="Component groups, in drawing order.")
    clouds: list[Cloud] = Field(description="Cloud providers, in tab order.")
    components: list[Component] = Field(description="All components, in page order.")
    message_path: list[MessageStep] = Field(
        default_factory=list, description="The path of one message, in order: drawn as numbers and listed as steps."
    )

    def component(self, component_id: str) -> Component:
        return next(c for c in self.components if c.id == component_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def cloud(self, cloud_id: str) -> Cloud:
        return next(c for c in self.clouds if c.id == cloud_id)
