"""Load an endpoints.yml with Rasa Pro's own code and build every configured part against real services.

Run it with the Python of the rasa-pro virtualenv (it imports `rasa`; the main venv has no rasa):

    .venv-rasa/bin/python tests/proof/rasa_probe.py path/to/endpoints.yml [--timeout 30] [--vault-offline]
    .venv-rasa/bin/python tests/proof/rasa_probe.py --plan plan.json   # many files, each with its own env

The environment is the one a user would give Rasa (`export DB_HOST=...`, `VAULT_TOKEN`, `VAULT_CACERT`,
`SQL_TRACKER_STORE_SSL_MODE`, ...). Nothing is mocked:

- the file is read by `AvailableEndpoints.read_endpoints` (with `${VAR}` expansion);
- `secrets_manager`: `rasa.core.secrets_manager.factory.load_secret_manager`, which looks its token up on
  the Vault server (`--vault-offline` stops after Rasa's config merge and builds the hvac client only);
  the secret at `secrets_path` is read and the `secret_key`s the tracker store names must be in it;
- `lock_store`: `LockStore.create`; a conversation is locked and released (real Redis for redis types);
- `event_broker`: `EventBroker.create`; for Kafka, Rasa's own `_create_producer()` (the path `publish`
  takes) must get a librdkafka Producer; nothing is sent;
- `tracker_store`: `TrackerStore.create` (with Rasa's plugin wrapper); a conversation is saved, read back
  and compared, then deleted; no event broker is attached, so nothing is published;
- `action_endpoint`: `RemoteAction` builds its executor; for grpc:// URLs the gRPC channel and stub;
- `nlg`: `NaturalLanguageGenerator.create`; `models`: parsed.

Keys that Rasa's factory for a part never reads are an error (e.g. `url:` on `concurrent_redis`, which
silently falls back to `localhost`).

Output: one JSON object on stdout, `{"file", "ok", "parts": {part: {"built", "checked", "error",
"warnings"}}}`. Exit status 0 when every configured part works, 1 when one failed, 2 on bad usage.
Every error names the file and the key: `<file>: <key>: <what failed>`.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import logging
import os
import re
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

# Top-level keys of endpoints.yml that Rasa Pro 3.21 reads (AvailableEndpoints.read_endpoints,
# the secrets manager factory and the tracing/metrics readers).
KNOWN_TOP_LEVEL_KEYS = {
    "nlg",
    "nlu",
    "action_endpoint",
    "models",
    "tracker_store",
    "lock_store",
    "event_broker",
    "vector_store",
    "timer_store",
    "mcp_servers",
    "model_groups",
    "privacy",
    "recordings",
    "interaction_handling",
    "a2a_server",
    "secrets_manager",
    "tracing",
    "metrics",
}
PROBED_PARTS = (
    "secrets_manager",
    "lock_store",
    "timer_store",
    "event_broker",
    "tracker_store",
    "action_endpoint",
    "nlg",
    "models",
    "model_groups",
    "vector_store",
)
# Where a component of config.yml names a model group, and which factory builds that client.
MODEL_GROUP_USES = ((("llm",), "llm"), (("embeddings",), "embeddings"), (("flow_retrieval", "embeddings"), "embeddings"))
ENDPOINT_FIELDS = ("url", "params", "headers", "basic_auth", "token", "token_name", "cafile", "actions_module")
CONSUMED_KEYS = {"type", "store_type"}
KAFKA_TYPES = {"kafka", "concurrent_kafka"}


# Marks a warning about safety (an unverified certificate, plaintext leaving the cluster): the
# proof counts it as a failure (rasa_run.errors).
UNSAFE = "unsafe:"


def in_cluster(url: str) -> bool:
    """Whether a URL names a host inside the Kubernetes cluster (a Service name, or this machine)."""
    from urllib.parse import urlsplit

    host = urlsplit(url if "://" in url else f"//{url}").hostname or ""
    return "." not in host or host.endswith((".svc", ".svc.cluster.local")) or host == "localhost"


def describe_redis(store: Any, part: Part) -> str:
    """Note the Redis client a store built (address, database, TLS) in `part`; its host:port, or ""."""
    pool = getattr(getattr(store, "red", None), "connection_pool", None)
    if pool is None:
        return ""
    kwargs = pool.connection_kwargs
    where = f"{kwargs.get('host')}:{kwargs.get('port')}"
    tls = "SSL" in pool.connection_class.__name__
    part.checked.append(
        f"Redis client for {where} db {kwargs.get('db')}, "
        + (f"TLS (CA {kwargs.get('ssl_ca_certs') or 'system store'})" if tls else "no TLS")
    )
    return where


# Outcome of each part already probed in this process, by Probe.memo_key: (file, Part).
PROVEN: dict[str, tuple[str, Part]] = {}


class ProbeFailure(Exception):
    """A part did not work; the message is already worded for the report."""


class Part:
    def __init__(self) -> None:
        self.built: str | None = None
        self.checked: list[str] = []
        self.error: str | None = None
        self.warnings: list[str] = []

    def as_dict(self) -> dict[str, Any]:
        return {"built": self.built, "checked": self.checked, "error": self.error, "warnings": self.warnings}


# ---------------------------------------------------------------------------------------------------
# Capturing Rasa's logs: structlog would print to stdout, which carries the JSON report.

CAPTURED: list[dict[str, Any]] = []
VERBOSE = False


def _capture(_logger, method: str, event_dict: dict[str, Any]):
    import structlog

    CAPTURED.append({"level": method, **event_dict})
    if VERBOSE:
        print(f"[{method}] {event_dict.get('event')} {event_dict.get('event_info', '')}", file=sys.stderr)
    raise structlog.DropEvent


def configure_logging() -> None:
    import structlog

    structlog.configure(processors=[_capture], cache_logger_on_first_use=False)
    logging.basicConfig(level=logging.INFO if VERBOSE else logging.ERROR, stream=sys.stderr)


def last_logged(event: str) -> str | None:
    for entry in reversed(CAPTURED):
        if entry.get("event") == event:
            error = entry.get("exc_info") or entry.get("exec_info") or entry.get("error")
            text = str(error) if error is not None else str(entry.get("event_info", ""))
            return text.split("\n[SQL:")[0].strip()[:600]  # SQLAlchemy appends the statement and parameters
    return None


# ---------------------------------------------------------------------------------------------------
# Which configured keys a factory read


class TrackingDict(dict):
    """`EndpointConfig.kwargs` that remembers which keys were looked up."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.read.add(key)
        return super().__contains__(key)

    def pop(self, key, *default):
        self.read.add(key)
        return super().pop(key, *default)


def watch(config) -> tuple[TrackingDict, set[str]]:
    """Record the `EndpointConfig` fields and kwargs a factory reads from `config` (no behaviour change)."""
    from rasa.utils.endpoints import EndpointConfig

    attrs: set[str] = set()

    base: Any = type(config)

    class Watched(base):
        def __getattribute__(self, name):
            if name in ENDPOINT_FIELDS:
                attrs.add(name)
            return EndpointConfig.__getattribute__(self, name)

    kwargs = TrackingDict(config.kwargs)
    config.kwargs = kwargs
    config.__class__ = Watched
    return kwargs, attrs


def accepted_keywords(cls) -> set[str]:
    """Named `__init__` parameters along the MRO plus `kwargs.get("x")` / `kwargs.pop("x")` in those bodies."""
    names: set[str] = set()
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            continue
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        try:
            source = inspect.getsource(init)
        except (OSError, TypeError):
            source = ""
        names |= set(re.findall(r"kwargs\.(?:get|pop)\(\s*[\"'](\w+)[\"']", source))
    return names


def unread_message(owner: str, keys: list[str]) -> str:
    listed = ", ".join(f"'{k}'" for k in sorted(keys))
    return f"{owner} never reads {listed} (the key{'s are' if len(keys) > 1 else ' is'} silently ignored)"


# ---------------------------------------------------------------------------------------------------
# Running one part with a bound on time


def run_bounded(fn, timeout: float):
    """Run `fn` (sync, or async via its own loop) in a daemon thread; (finished, value, exception)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            value = fn()
            if inspect.iscoroutine(value):
                value = asyncio.run(value)
            box["value"] = value
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return False, None, None
    return True, box.get("value"), box.get("error")


def describe(error: BaseException) -> str:
    text = str(error).strip() or repr(error)
    cause = error.__cause__ or error.__context__
    if cause is not None and str(cause).strip() and str(cause).strip() not in text:
        text += f" (caused by {type(cause).__name__}: {str(cause).strip()})"
    return f"{type(error).__name__}: {text}"


# ---------------------------------------------------------------------------------------------------
# The parts


class Probe:
    def __init__(
        self,
        path: Path,
        timeout: float,
        vault_offline: bool,
        assistant_config: Path | None = None,
        credentials: Path | None = None,
    ) -> None:
        self.assistant_config = assistant_config
        self.credentials = credentials
        self.path = path
        self.file = str(path)
        self.timeout = timeout
        self.vault_offline = vault_offline
        self.raw: dict[str, Any] = {}
        self.endpoints: Any = None
        self.parts: dict[str, Part] = {}
        self.secrets_manager = None

    def fail(self, key: str, message: str) -> ProbeFailure:
        return ProbeFailure(f"{self.file}: {key}: {message}")

    # -- loading ------------------------------------------------------------------------------------
    def load(self) -> bool:
        from rasa.core.config.available_endpoints import AvailableEndpoints
        from rasa.shared.utils.yaml import read_config_file

        part = self.parts.setdefault("endpoints", Part())
        try:
            self.raw = read_config_file(self.file) or {}
            self.endpoints = AvailableEndpoints.read_endpoints(self.file)
        except Exception as error:
            part.error = f"{self.file}: Rasa cannot read the file: {describe(error)}"
            return False
        part.built = type(self.endpoints).__name__
        part.checked.append("read by AvailableEndpoints.read_endpoints with ${VAR} expansion")
        unknown = sorted(set(self.raw) - KNOWN_TOP_LEVEL_KEYS)
        if unknown:
            part.error = f"{self.file}: {', '.join(unknown)}: Rasa Pro 3.21 reads no such top-level key (ignored)"
        return True

    def section(self, key: str) -> dict[str, Any]:
        value = self.raw.get(key)
        return value if isinstance(value, dict) else {}

    def run(self) -> None:
        if self.credentials is not None:
            part = self.parts.setdefault("channels", Part())
            finished, _, error = run_bounded(lambda: self.probe_channels(part), self.timeout)
            if not finished:
                part.error = f"{self.credentials}: no answer within {self.timeout:.0f} s"
            elif error is not None:
                part.error = f"{self.credentials}: {describe(error)}"
        for key in PROBED_PARTS:
            if key not in self.raw or self.raw.get(key) is None:
                continue
            memo = self.memo_key(key)
            # The secrets manager is always probed: it sets Rasa's process-wide secret manager,
            # which the tracker store of this same file reads its credentials from.
            if memo in PROVEN and key != "secrets_manager":
                # The same block, with the same blocks it reads and the same environment, was
                # built and checked for an earlier file of this run: Rasa would do exactly the same.
                first, done = PROVEN[memo]
                part = self.parts.setdefault(key, Part())
                part.built, part.warnings = done.built, list(done.warnings)
                part.checked = [f"same block and environment as {first}, proven there"]
                part.error = done.error.replace(first, self.file) if done.error else None
                continue
            part = self.parts.setdefault(key, Part())
            method = getattr(self, f"probe_{key}")
            started = time.monotonic()
            finished, _, error = run_bounded(lambda m=method, p=part: m(p), self.timeout)
            if not finished:
                hint = last_logged("sql_tracker_store.initialisation_error") if key == "tracker_store" else None
                part.error = f"{self.file}: {key}: no answer within {self.timeout:.0f} s" + (
                    f"; last error: {hint}" if hint else ""
                )
            elif isinstance(error, ProbeFailure):
                part.error = str(error)
            elif error is not None:
                part.error = f"{self.file}: {key}: {describe(error)}"
                if VERBOSE:
                    traceback.print_exception(error, file=sys.stderr)
            part.checked.append(f"took {time.monotonic() - started:.2f} s")
            PROVEN[memo] = (self.file, part)

    def memo_key(self, key: str) -> str:
        """What a part's outcome depends on: its block, the blocks Rasa reads with it, files and environment."""
        reads = {"tracker_store": ("secrets_manager",), "model_groups": (), "vector_store": ("model_groups",)}
        blocks = {k: self.raw.get(k) for k in (key, *reads.get(key, ()))}
        config = self.assistant_config.read_text() if self.assistant_config and key in ("model_groups", "vector_store") else None
        return json.dumps([key, blocks, config, sorted(os.environ.items())], sort_keys=True, default=str)

    # -- secrets_manager ----------------------------------------------------------------------------
    def probe_secrets_manager(self, part: Part) -> None:
        from rasa.core.secrets_manager import factory
        from rasa.core.secrets_manager.constants import VAULT_MOUNT_POINT_DEFAULT_VALUE
        from rasa.utils.endpoints import read_endpoint_config

        key = "secrets_manager"
        # The factory reads the block through this lru_cached reader, called exactly like this (the cache
        # tells positional from keyword arguments), so it gets this very object and `watch` sees its reads.
        cached = read_endpoint_config(filename=self.file, endpoint_type=key)
        kwargs, attrs = watch(cached) if cached is not None else (TrackingDict(), set())
        try:
            config = factory.read_secret_manager_config(self.file)
        except Exception as error:
            raise self.fail(key, f"Rasa rejects the Vault settings (file merged with VAULT_* env): {error}") from error
        if config is None:
            raise self.fail(
                key,
                f"type '{self.section(key).get('type')}' is not a secrets manager Rasa Pro 3.21 builds (only 'vault'); "
                "Rasa ignores the block",
            )
        part.checked.append(
            f"Rasa's config merge (file + VAULT_* env) gives url={config.url}, secrets_path={config.secrets_path}, "
            f"mount_point={config.mount_point or VAULT_MOUNT_POINT_DEFAULT_VALUE}, namespace={config.namespace}, "
            f"transit_mount_point={config.transit_mount_point}, token set"
        )
        unread = [k for k in self.section(key) if k not in CONSUMED_KEYS and k not in kwargs.read and k not in attrs]
        if unread:
            raise self.fail(key, unread_message("Rasa's Vault config reader", unread))
        if os.environ.get("SECRET_MANAGER") not in (None, "vault"):
            part.warnings.append(f"SECRET_MANAGER={os.environ['SECRET_MANAGER']} overrides the file's type")

        if self.vault_offline:
            import hvac

            client = hvac.Client(url=config.url, token=config.token, namespace=config.namespace)
            part.built = f"{type(client).__module__}.{type(client).__name__} (offline: VaultSecretsManager not built)"
            part.checked.append("--vault-offline: Vault not contacted; VaultSecretsManager needs the server at construction")
            return
        try:
            manager = factory.load_secret_manager(self.file)
        except Exception as error:
            raise self.fail(
                key,
                f"VaultSecretsManager could not look its token up at {config.url} (/v1/auth/token/lookup-self): "
                f"{describe(error)}",
            ) from error
        self.secrets_manager = manager
        part.built = type(manager).__name__
        part.checked.append(f"token looked up on {config.url} (auth/token/lookup-self)")
        if getattr(manager.vault_token_manager, "scheduler", None) is not None:
            part.checked.append("token is renewable: Rasa started its renewal scheduler")
        try:
            secret = manager.client.secrets.kv.read_secret_version(
                mount_point=manager.mount_point, path=manager.secrets_path, raise_on_deleted_version=True
            )
        except Exception as error:
            raise self.fail(
                key, f"cannot read KV v2 secret '{manager.secrets_path}' on mount '{manager.mount_point}': {describe(error)}"
            ) from error
        names = sorted(secret["data"]["data"])
        part.checked.append(f"read KV v2 secret '{manager.mount_point}/{manager.secrets_path}': keys {names}")
        wanted = {
            field: value.get("secret_key")
            for field, value in self.section("tracker_store").items()
            if isinstance(value, dict) and str(value.get("source", "")).startswith("secrets_manager.")
        }
        missing = {field: name for field, name in wanted.items() if name not in names}
        if missing:
            listed = ", ".join(f"{field} -> '{name}'" for field, name in missing.items())
            raise self.fail(key, f"the secret has no key for tracker_store {listed}")
        if wanted:
            part.checked.append(f"tracker_store reads {sorted(wanted)} from it")

    # -- lock_store ---------------------------------------------------------------------------------
    def probe_lock_store(self, part: Part):
        from rasa.core.lock_store import LockStore, RedisLockStoreConfig

        key = "lock_store"
        config = self.endpoints.lock_store
        kwargs, attrs = watch(config)
        try:
            store = LockStore.create(config)
        except Exception as error:
            raise self.fail(key, f"LockStore.create failed: {describe(error)}") from error
        part.built = type(store).__name__
        store_type = (config.type or "").lower()
        if store_type == "redis":
            accepted = set(RedisLockStoreConfig.model_fields) | {"url"}
            unread = [k for k in self.section(key) if k not in CONSUMED_KEYS and k not in accepted]
        else:
            unread = [k for k in self.section(key) if k not in CONSUMED_KEYS and k not in kwargs.read and k not in attrs]
        where = describe_redis(store, part)
        if unread:
            raise self.fail(
                key,
                unread_message(type(store).__name__, unread) + (f"; it uses {where} instead" if where else ""),
            )
        return self._lock_and_release(store, part)

    async def _lock_and_release(self, store, part: Part) -> None:
        conversation = f"rasa-probe-{uuid.uuid4().hex[:12]}"
        try:
            async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.05) as lock:
                held = store.get_lock(conversation)
                if held is None or not held.tickets:
                    raise self.fail("lock_store", f"lock for '{conversation}' is not in the store while held")
                part.checked.append(f"locked conversation '{conversation}' (ticket {lock.now_serving} in the store)")
        except ProbeFailure:
            raise
        except Exception as error:
            raise self.fail("lock_store", f"could not lock a conversation: {describe(error)}") from error
        if store.get_lock(conversation) is not None:
            raise self.fail("lock_store", f"lock for '{conversation}' is still in the store after release")
        part.checked.append("released it: the store holds no lock for it")

    # -- timer_store --------------------------------------------------------------------------------
    def probe_timer_store(self, part: Part):
        from rasa.core.timer_managers.timer_manager import create_timer_manager

        key = "timer_store"
        try:
            manager = create_timer_manager(self.endpoints.timer_store)
        except Exception as error:
            raise self.fail(key, f"create_timer_manager failed: {describe(error)}") from error
        store = manager._store
        part.built = type(store).__name__
        if getattr(store, "red", None) is None:
            raise self.fail(key, f"Rasa built {type(store).__name__}: the timers stay in one replica's memory")
        describe_redis(store, part)
        return self._store_and_delete_timer(store, part)

    async def _store_and_delete_timer(self, store, part: Part) -> None:
        conversation = f"rasa-probe-{uuid.uuid4().hex[:12]}"
        try:
            await store.store_timer(conversation, None, time.time() + 3600)
            found = await store.get_timer(conversation)
            if found is None:
                raise self.fail("timer_store", f"the timer for '{conversation}' is not in the store after storing it")
            part.checked.append(f"stored a session timer for '{conversation}' and read it back")
            await store.delete_timer(conversation)
            if await store.get_timer(conversation) is not None:
                raise self.fail("timer_store", f"the timer for '{conversation}' is still in the store after deleting it")
            part.checked.append("deleted it")
        except ProbeFailure:
            raise
        except Exception as error:
            raise self.fail("timer_store", f"could not store a session timer: {describe(error)}") from error
        finally:
            store.close()

    # -- event_broker -------------------------------------------------------------------------------
    async def probe_event_broker(self, part: Part) -> None:
        from rasa.core.brokers.broker import EventBroker

        key = "event_broker"
        config = self.endpoints.event_broker
        broker_type = (config.type or "").lower()
        if not broker_type:
            part.warnings.append("no `type`: Rasa builds the Pika (RabbitMQ) broker")
        try:
            broker = await EventBroker.create(config)
        except Exception as error:
            raise self.fail(key, f"EventBroker.create failed: {describe(error)}") from error
        if broker is None:
            raise self.fail(key, "EventBroker.create built nothing")
        part.built = type(broker).__name__
        try:
            unread = [k for k in config.kwargs if k not in accepted_keywords(type(broker))]
            if unread and broker_type in KAFKA_TYPES:
                raise self.fail(key, unread_message(type(broker).__name__, unread))
            if broker_type in KAFKA_TYPES or hasattr(broker, "_create_producer"):
                self._kafka_producer(broker, part)
            else:
                part.checked.append("EventBroker.create connected")
        finally:
            await broker.close()

    def _kafka_producer(self, broker, part: Part) -> None:
        key = "event_broker"
        settings = broker._get_kafka_config()
        shown = {k: v for k, v in settings.items() if k not in ("sasl.password", "error_cb", "oauth_cb")}
        part.checked.append(f"Rasa's librdkafka settings: {json.dumps(shown, default=str, sort_keys=True)}")
        protocol = str(settings.get("security.protocol", "")).upper()
        if protocol != "SASL_SSL" and not (protocol == "SSL" and settings.get("ssl.certificate.location")):
            # A managed Kafka is outside the cluster: events must be encrypted and the client authenticated.
            part.warnings.append(
                f"{UNSAFE} security.protocol={protocol or 'unset'}: events are not both encrypted and authenticated"
            )
        servers = settings.get("bootstrap.servers")
        if not isinstance(servers, str):
            raise self.fail(
                key,
                f"url is a {type(servers).__name__}: Rasa hands it to librdkafka as bootstrap.servers={servers!r}, "
                "which librdkafka reads as one garbled host name; write one comma-separated string",
            )
        try:
            producer = broker._create_producer()
        except Exception as error:
            raise self.fail(key, f"librdkafka refused the producer config: {error}") from error
        part.checked.append("KafkaEventBroker._create_producer() built a confluent_kafka.Producer (nothing sent)")
        del producer

    # -- tracker_store ------------------------------------------------------------------------------
    async def probe_tracker_store(self, part: Part) -> None:
        from rasa.core.tracker_stores.tracker_store import InMemoryTrackerStore, TrackerStore
        from rasa.shared.core.domain import Domain

        key = "tracker_store"
        config = self.endpoints.tracker_store
        try:
            store = TrackerStore.create(config, domain=Domain.empty())
        except Exception as error:
            raise self.fail(key, f"TrackerStore.create failed: {describe(error)}") from error
        inner = getattr(store, "_tracker_store", store)
        part.built = type(inner).__name__ + (f" (in {type(store).__name__})" if inner is not store else "")
        if isinstance(inner, InMemoryTrackerStore) and (config.type or "").lower() not in ("", "in_memory"):
            raise self.fail(key, f"type '{config.type}' was not found: Rasa fell back to InMemoryTrackerStore")
        accepted = accepted_keywords(type(inner))
        unread = [k for k in self.section(key) if k not in CONSUMED_KEYS | set(ENDPOINT_FIELDS) and k not in accepted]
        if unread:
            raise self.fail(key, unread_message(type(inner).__name__, unread))
        engine = getattr(inner, "engine", None)
        if engine is not None:
            try:
                self._describe_sql_connection(engine, part)
            except Exception as error:
                logged = last_logged("sql_tracker_store.create_tables_failed")
                raise self.fail(
                    key,
                    f"{type(inner).__name__} was built but cannot reach the database "
                    + ("(Rasa only logged 'Could not create tables' and carried on)" if logged else "")
                    + f": {describe(error)}",
                ) from error
        try:
            await self._save_and_read_back(store, part)
        finally:
            # Close the pool's connections: one plan probes hundreds of stores, and PostgreSQL
            # refuses logins past max_connections (100) while old pools still hold theirs.
            if engine is not None:
                engine.dispose()

    def _describe_sql_connection(self, engine, part: Part) -> None:
        with engine.connect() as connection:
            dbapi = connection.connection.dbapi_connection
            info = getattr(dbapi, "info", None)
            if info is None or not hasattr(info, "ssl_in_use"):
                part.checked.append(f"connected to {engine.url.render_as_string(hide_password=True)}")
                return
            params = info.dsn_parameters
            mode = params.get("sslmode")
            tls = "TLS" if info.ssl_in_use else "no TLS"
            url = engine.url
            part.checked.append(
                f"connected to {url.drivername}://{url.username}@{url.host}:{url.port}/{url.database} with {tls}, "
                f"sslmode={mode}, sslrootcert={params.get('sslrootcert')}"
            )
            if mode not in ("verify-full", "verify-ca"):
                part.warnings.append(f"{UNSAFE} sslmode={mode}: the server certificate is not verified")

    async def _save_and_read_back(self, store, part: Part) -> None:
        from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
        from rasa.shared.core.trackers import DialogueStateTracker

        sender = f"rasa-probe-{uuid.uuid4().hex[:12]}"
        now = time.time()
        events = [
            ActionExecuted("action_session_start", timestamp=now),
            SessionStarted(timestamp=now + 0.001),
            ActionExecuted("action_listen", timestamp=now + 0.002),
            UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=now + 0.003),
            SlotSet("probe", "yes", timestamp=now + 0.004),
            BotUttered("hi, this is the probe", timestamp=now + 0.005),
            ActionExecuted("action_listen", timestamp=now + 0.006),
        ]
        tracker = DialogueStateTracker.from_events(sender, events, slots=[])
        try:
            await store.save(tracker)
            read = await store.retrieve(sender)
        except Exception as error:
            raise self.fail("tracker_store", f"could not save and read a conversation: {describe(error)}") from error
        try:
            if read is None:
                # Rasa's AuthRetryTrackerStore logs a failed save and carries on: say what it logged.
                logged = last_logged("auth_retry_tracker_store.save.failed_retrying")
                raise self.fail(
                    "tracker_store",
                    f"conversation '{sender}' was not saved (it reads back as missing)"
                    + (f"; Rasa logged: {logged}" if logged else ""),
                )
            wrote = [e.as_dict() for e in tracker.events]
            got = [e.as_dict() for e in read.events]
            if wrote != got:
                raise self.fail(
                    "tracker_store", f"conversation '{sender}' reads back different: wrote {len(wrote)} events, got {len(got)}"
                )
            part.checked.append(f"saved conversation '{sender}' ({len(wrote)} events) and read it back equal")
        finally:
            try:
                await store.delete(sender)
                part.checked.append("deleted it again")
            except Exception as error:
                part.warnings.append(f"could not delete the probe conversation: {describe(error)}")

    # -- action_endpoint ----------------------------------------------------------------------------
    async def probe_action_endpoint(self, part: Part) -> None:
        from rasa.core.actions.action import RemoteAction

        key = "action_endpoint"
        config = self.endpoints.action
        try:
            action = RemoteAction("action_rasa_probe", config)
        except Exception as error:
            raise self.fail(key, f"Rasa cannot build a custom action executor: {describe(error)}") from error
        executor = action.executor
        inner = getattr(executor, "_custom_action_executor", executor)
        part.built = type(inner).__name__ + (f" (in {type(executor).__name__})" if inner is not executor else "")
        if hasattr(inner, "_create_channel"):
            channel = inner._create_channel()
            try:
                inner._create_grpc_client(channel)
                secure = inner.cert_ca is not None
                part.checked.append(
                    f"gRPC {'TLS' if secure else 'plaintext'} channel and ActionServiceStub built for {inner.request_url}"
                    + (" with a client certificate" if inner.client_cert else "")
                    + " (not connected)"
                )
                if not secure:
                    where = "inside the cluster" if in_cluster(inner.request_url) else f"{UNSAFE} to {inner.request_url}"
                    part.warnings.append(f"grpc:// without cafile: a plaintext channel, {where}")
            finally:
                await channel.close()
        elif type(inner).__name__ == "HTTPCustomActionExecutor":
            try:
                context = config.create_ssl_context()
            except Exception as error:
                raise self.fail(key, f"cafile: {describe(error)}") from error
            part.checked.append(
                f"HTTP executor for {config.url}" + (" with a TLS context from cafile" if context else "") + " (not contacted)"
            )
            if str(config.url).startswith("http://") and not in_cluster(config.url):
                part.warnings.append(f"{UNSAFE} plain HTTP to {config.url}, outside the cluster")
        else:
            part.checked.append("executor built")

    # -- nlg ----------------------------------------------------------------------------------------
    def probe_nlg(self, part: Part) -> None:
        from rasa.core.nlg.generator import NaturalLanguageGenerator
        from rasa.shared.core.domain import Domain

        key = "nlg"
        config = self.endpoints.nlg
        try:
            generator = NaturalLanguageGenerator.create(config, Domain.empty())
        except Exception as error:
            raise self.fail(key, f"NaturalLanguageGenerator.create failed: {describe(error)}") from error
        part.built = type(generator).__name__
        if type(generator).__name__ == "CallbackNaturalLanguageGenerator":
            if not config.url or not str(config.url).startswith(("http://", "https://")):
                raise self.fail(key, f"url '{config.url}' is not an http(s) URL Rasa can POST to")
            try:
                context = config.create_ssl_context()
            except Exception as error:
                raise self.fail(key, f"cafile: {describe(error)}") from error
            part.checked.append(
                f"callback NLG for {config.url}" + (" with a TLS context from cafile" if context else "") + " (not contacted)"
            )

    # -- channels (credentials.yml) ----------------------------------------------------------------
    def probe_channels(self, part: Part) -> None:
        """Rasa's own reader and channel factory, as `rasa run` uses them, build every channel of the file."""
        from rasa.core.config.credentials import CredentialsConfig
        from rasa.core.run import create_input_channels

        assert self.credentials is not None
        config = CredentialsConfig.load_from_file(self.credentials)
        channels = create_input_channels(None, config)
        if not channels:
            raise ValueError("the file opens no channel")
        part.built = ", ".join(f"{type(c).__name__} at /webhooks/{c.name()}/" for c in channels)
        part.checked.append("CredentialsConfig.load_from_file, then create_input_channels (what rasa run calls)")

    # -- model_groups -------------------------------------------------------------------------------
    def probe_model_groups(self, part: Part) -> None:
        """Rasa's own model-group validation, then every client config.yml names, built by Rasa's factories."""
        from rasa.core.config.configuration import Configuration
        from rasa.engine.validation import validate_model_group_configuration_setup
        from rasa.shared.utils.llm import embedder_factory, llm_factory, resolve_model_client_config
        from rasa.shared.utils.yaml import read_config_file

        key = "model_groups"
        try:
            Configuration.initialise_endpoints(Path(self.file))
            validate_model_group_configuration_setup()
        except Exception as error:
            raise self.fail(key, f"Rasa rejects the model groups: {describe(error)}") from error
        part.checked.append("validate_model_group_configuration_setup (what rasa train and rasa run check)")
        if self.assistant_config is None:
            raise self.fail(key, "no config.yml given: nothing says which group is a chat model and which embeddings")
        config = read_config_file(str(self.assistant_config)) or {}
        groups = self.endpoints.model_groups
        used: set[str] = set()
        built = []
        for component in [*(config.get("pipeline") or []), *(config.get("policies") or [])]:
            for path, kind in MODEL_GROUP_USES:
                node: Any = component
                for step in path:
                    node = node.get(step) if isinstance(node, dict) else None
                if not isinstance(node, dict) or "model_group" not in node:
                    continue
                name = component.get("name")
                try:
                    resolved = resolve_model_client_config(node, name, model_groups=groups)
                    factory = llm_factory if kind == "llm" else embedder_factory
                    client = factory(resolved, {})
                except Exception as error:
                    raise self.fail(
                        key, f"{self.assistant_config}: {name}: model group '{node['model_group']}': {describe(error)}"
                    ) from error
                used.add(str(node["model_group"]))
                built.append(f"{node['model_group']} -> {type(client).__name__}")
        unused = sorted({str(g.get("id")) for g in groups or []} - used)
        if unused:
            part.warnings.append(f"groups no component of config.yml uses: {', '.join(unused)}")
        part.built = ", ".join(built) or "nothing"
        part.checked.append(f"clients built by llm_factory / embedder_factory for {self.assistant_config}")

    # -- vector_store -------------------------------------------------------------------------------
    def probe_vector_store(self, part: Part) -> None:
        """Build the store EnterpriseSearchPolicy builds, as it builds it, and connect it to a recording client.

        The policy picks the store class from config.yml (`vector_store.type`) and connects it with
        endpoints.yml's `vector_store`. No Milvus or Qdrant server is reachable here, so the client class
        the store instantiates is replaced by one that records its arguments: what Rasa would send.
        """
        from rasa.core.information_retrieval import information_retrieval
        from rasa.shared.utils.llm import embedder_factory, resolve_model_client_config
        from rasa.shared.utils.yaml import read_config_file

        key = "vector_store"
        if self.assistant_config is None:
            raise self.fail(key, "no config.yml given: nothing says which store EnterpriseSearchPolicy builds")
        config = read_config_file(str(self.assistant_config)) or {}
        policy = next((p for p in config.get("policies") or [] if p.get("name") == "EnterpriseSearchPolicy"), None)
        if policy is None:
            raise self.fail(key, f"{self.assistant_config} has no EnterpriseSearchPolicy, so nothing reads this block")
        store_type = str((policy.get("vector_store") or {}).get("type", "faiss"))
        if store_type == "faiss":
            raise self.fail(key, f"{self.assistant_config}: the policy uses FAISS in the model; this block is ignored")
        embeddings = embedder_factory(
            resolve_model_client_config(
                policy.get("embeddings"), "EnterpriseSearchPolicy", model_groups=self.endpoints.model_groups
            ),
            {},
        )
        store = information_retrieval.create_from_endpoint_config(config_type=store_type, embeddings=embeddings)
        module = sys.modules[type(store).__module__]
        client_name = {"milvus": "MilvusClient", "qdrant": "AsyncQdrantClient"}.get(store_type)
        if client_name is None or not hasattr(module, client_name):
            raise self.fail(key, f"no recording client for store type {store_type!r}")
        calls: list[dict[str, Any]] = []

        class Recording:
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                calls.append({**{str(i): a for i, a in enumerate(args)}, **kwargs})

        original = getattr(module, client_name)
        setattr(module, client_name, Recording)
        try:
            endpoint = self.endpoints.vector_store
            kwargs, attrs = watch(endpoint)
            store.connect(endpoint)
        finally:
            setattr(module, client_name, original)
        part.built = f"{type(store).__name__} -> {client_name}"
        unread = sorted(set(self.section(key)) - set(kwargs.read) - attrs - CONSUMED_KEYS)
        if unread:
            raise self.fail(key, unread_message(type(store).__name__, unread))
        if len(calls) != 1:
            raise self.fail(key, f"{type(store).__name__}.connect built {len(calls)} clients, expected one")
        sent = calls[0]
        literal = sorted(k for k, v in sent.items() if isinstance(v, str) and "${" in v)
        if literal:
            raise self.fail(
                key, f"{client_name} would get {', '.join(literal)} as the literal text ${{...}} (Rasa does not expand it)"
            )
        if store_type == "milvus" and not str(sent.get("uri", "")).startswith(("http://", "https://")):
            raise self.fail(key, f"MilvusClient would connect to {sent.get('uri')!r}, not an http(s) address")
        shown = ", ".join(
            f"{k}={'***' if k in {'password', 'api_key', 'token'} else v}" for k, v in sorted(sent.items(), key=str)
        )
        part.checked.append(f"create_from_endpoint_config({store_type!r}) then connect(): {client_name}({shown}) (not contacted)")

    # -- models -------------------------------------------------------------------------------------
    def probe_models(self, part: Part) -> None:
        config = self.endpoints.model
        part.built = type(config).__name__
        part.checked.append(f"model server {config.url} parsed (not contacted)")


def probe_file(
    path: Path,
    timeout: float,
    vault_offline: bool,
    assistant_config: Path | None = None,
    credentials: Path | None = None,
) -> dict[str, Any]:
    probe = Probe(path, timeout, vault_offline, assistant_config, credentials)
    if probe.load():
        probe.run()
    ok = all(part.error is None for part in probe.parts.values())
    return {"file": str(path), "ok": ok, "parts": {k: v.as_dict() for k, v in probe.parts.items()}}


def run_plan(plan: Path, timeout: float, vault_offline: bool) -> tuple[dict[str, Any], int]:
    """Probe every {file, env} of `plan`; each file sees the base environment plus its own."""
    from rasa.utils.endpoints import read_endpoint_config

    configure_logging()
    # Import the heavy modules once, outside the per-part time bound: on a busy machine their
    # first import alone can take longer than a part is allowed to.
    import rasa.core.run
    import rasa.core.tracker_stores.tracker_store
    import rasa.shared.utils.llm  # noqa: F401

    base = dict(os.environ)
    reports = []
    for entry in json.loads(plan.read_text()):
        os.environ.clear()
        os.environ.update(base)
        os.environ.update(entry["env"])
        read_endpoint_config.cache_clear()
        config = Path(entry["config"]) if entry.get("config") else None
        credentials = Path(entry["credentials"]) if entry.get("credentials") else None
        reports.append(probe_file(Path(entry["file"]), timeout, vault_offline, config, credentials))
    ok = all(r["ok"] for r in reports)
    return {"ok": ok, "reports": reports}, 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    global VERBOSE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoints", type=Path, nargs="?")
    parser.add_argument(
        "--plan",
        type=Path,
        help="JSON list of {file, env}: probe each file with its own environment in this one process "
        "(importing Rasa takes seconds; building its parts takes milliseconds)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds allowed per part (default 30)")
    parser.add_argument("--vault-offline", action="store_true", help="do not contact Vault; build the client only")
    parser.add_argument("--verbose", action="store_true", help="Rasa's log and tracebacks on stderr")
    args = parser.parse_args(argv)
    VERBOSE = args.verbose

    # Everything printed by Rasa, librdkafka or grpc goes to stderr; the report alone goes to stdout.
    report_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def emit(report: dict[str, Any], code: int) -> int:
        with os.fdopen(report_fd, "w") as out:
            out.write(json.dumps(report, indent=2, sort_keys=False) + "\n")
        return code

    # litellm (imported by Rasa's action and NLG modules) otherwise fetches its model price map from the
    # internet at import time and waits for the timeout when there is no network.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    if args.plan:
        return emit(*run_plan(args.plan, args.timeout, args.vault_offline))
    if args.endpoints is None:
        return emit({"ok": False, "error": "give an endpoints file or --plan"}, 2)
    if not args.endpoints.is_file():
        return emit({"file": str(args.endpoints), "ok": False, "error": f"{args.endpoints}: no such file"}, 2)
    try:
        import rasa  # noqa: F401
    except ImportError:
        error = "rasa is not importable: run this with the rasa-pro venv's python"
        return emit({"file": str(args.endpoints), "ok": False, "error": error}, 2)

    configure_logging()
    report = probe_file(args.endpoints, args.timeout, args.vault_offline)
    return emit(report, 0 if report["ok"] else 1)


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    # Daemon threads (librdkafka polling, a hung database connect, Vault's token renewal) must not keep us.
    os._exit(code)
