"""The Rasa probe (tests/proof/rasa_probe.py) proves endpoints.yml files with Rasa Pro's own code.

Each test writes a small hand-made endpoints.yml, sets the environment as a user would, and runs the
probe with the rasa-pro venv's python ($RPA_RASA_PYTHON, default .venv-rasa/bin/python, made by
scripts/rasa-venv.sh) against real PostgreSQL, Redis and Vault-API (OpenBao) servers with TLS from
tests/proof/services.py. The tests show the probe passes correct files and fails wrong ones, naming
the file and the key.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported by pytest as a plugin below; importing it here first would skip assert rewriting
    from tests.proof.services import ServerFacts, VaultFacts

# The session fixtures postgres_tls, postgres_wrong_host, redis_tls, vault_tls and proof_tls.
pytest_plugins = ["tests.proof.services"]
pytestmark = pytest.mark.proof

REPO = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("rasa_probe.py")
BASE_ENV_KEYS = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")

TRACKER_STORE = """
tracker_store:
  type: SQL
  dialect: postgresql
  url: ${DB_HOST}
  port: ${DB_PORT}
  db: ${DB_NAME}
  username: ${DB_USER}
  password: ${DB_PASSWORD}
"""

LOCK_STORE = """
lock_store:
  type: concurrent_redis
  host: ${REDIS_HOST}
  port: ${REDIS_PORT}
  password: ${REDIS_PASSWORD}
  use_ssl: true
  ssl_ca_certs: ${REDIS_CA}
  key_prefix: proof
"""

KAFKA_SASL_SSL = """
event_broker:
  type: kafka
  url: ${KAFKA_BOOTSTRAP}
  topic: rasa_core_events
  partition_by_sender: true
  security_protocol: SASL_SSL
  sasl_mechanism: ${KAFKA_MECHANISM}
  sasl_username: ${KAFKA_USER}
  sasl_password: ${KAFKA_PASSWORD}
  ssl_cafile: ${KAFKA_CA}
"""


@dataclass
class Result:
    file: Path
    code: int
    report: dict
    stderr: str

    def part(self, name: str) -> dict:
        parts = self.report.get("parts", {})
        assert name in parts, f"no '{name}' in the report: {json.dumps(self.report, indent=2)}"
        return parts[name]

    def checked(self, name: str) -> str:
        return "\n".join(self.part(name)["checked"])

    def explain(self) -> str:
        return f"exit {self.code}\n{json.dumps(self.report, indent=2)}\nstderr tail:\n{self.stderr[-2000:]}"


@pytest.fixture(scope="session")
def rasa_python() -> Path:
    path = Path(os.environ.get("RPA_RASA_PYTHON", REPO / ".venv-rasa" / "bin" / "python"))
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"the rasa-pro venv's python is missing at {path}: run scripts/rasa-venv.sh (or set RPA_RASA_PYTHON)")
    return path


@pytest.fixture
def probe(rasa_python: Path, tmp_path: Path):
    """Write `yaml` as endpoints.yml and run the probe on it with only `env` (plus PATH, HOME, locale)."""

    def run(yaml: str, env: dict[str, str], *args: str) -> Result:
        file = tmp_path / "endpoints.yml"
        file.write_text(textwrap.dedent(yaml).lstrip())
        base = {key: os.environ[key] for key in BASE_ENV_KEYS if key in os.environ}
        proc = subprocess.run(
            [str(rasa_python), str(PROBE), str(file), *args],
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            pytest.fail(f"the probe printed no JSON report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
        return Result(file, proc.returncode, report, proc.stderr)

    return run


def pg_env(pg: ServerFacts) -> dict[str, str]:
    return {
        "DB_HOST": pg.host,
        "DB_PORT": str(pg.port),
        "DB_NAME": str(pg.db),
        "DB_USER": str(pg.user),
        "DB_PASSWORD": str(pg.password),
    }


def pg_tls_env(pg: ServerFacts) -> dict[str, str]:
    """How Rasa is told to verify PostgreSQL's certificate (SRC sql_tracker_store.get_ssl_args)."""
    return {"SQL_TRACKER_STORE_SSL_MODE": "verify-full", "SQL_TRACKER_STORE_SSL_ROOT_CERTIFICATE": str(pg.ca_cert)}


def redis_env(redis: ServerFacts) -> dict[str, str]:
    return {
        "REDIS_HOST": redis.host,
        "REDIS_PORT": str(redis.port),
        "REDIS_PASSWORD": redis.password,
        "REDIS_CA": str(redis.ca_cert),
    }


def kafka_env(ca: Path, mechanism: str = "SCRAM-SHA-512") -> dict[str, str]:
    # No broker runs here: the probe only needs librdkafka to accept the producer settings.
    return {
        "KAFKA_BOOTSTRAP": "127.0.0.1:1",
        "KAFKA_MECHANISM": mechanism,
        "KAFKA_USER": "rasa",
        "KAFKA_PASSWORD": "not-a-real-password",
        "KAFKA_CA": str(ca),
    }


# --- tracker store: PostgreSQL over TLS ------------------------------------------------------------


@pytest.mark.parametrize("tls_by", ["env", "query"])
def test_sql_tracker_store_saves_and_reads_a_conversation_over_verified_tls(probe, postgres_tls, tls_by):
    yaml, env = TRACKER_STORE, pg_env(postgres_tls)
    if tls_by == "env":
        env |= pg_tls_env(postgres_tls)
    else:  # libpq options in the SQLAlchemy URL's query string
        yaml += "  query:\n    sslmode: verify-full\n    sslrootcert: ${DB_CA}\n"
        env["DB_CA"] = str(postgres_tls.ca_cert)
    result = probe(yaml, env)
    assert result.code == 0, result.explain()
    part = result.part("tracker_store")
    assert part["built"] == "SQLTrackerStore (in AuthRetryTrackerStore)"
    checked = result.checked("tracker_store")
    assert f"rasa@{postgres_tls.host}:{postgres_tls.port}/{postgres_tls.db} with TLS, sslmode=verify-full" in checked
    assert "(7 events) and read it back equal" in checked
    assert part["warnings"] == []


def test_sql_tracker_store_with_host_instead_of_url_fails(probe, postgres_tls):
    yaml = TRACKER_STORE.replace("url: ${DB_HOST}", "host: ${DB_HOST}")
    result = probe(yaml, pg_env(postgres_tls) | pg_tls_env(postgres_tls))
    assert result.code == 1, result.explain()
    error = result.part("tracker_store")["error"]
    assert error.startswith(f"{result.file}: tracker_store: TrackerStore.create failed"), error
    assert "multiple values for keyword argument 'host'" in error


def test_sql_tracker_store_key_rasa_never_reads_is_reported(probe, postgres_tls):
    # `sslmode` is not a tracker_store key: TLS goes in `query:` or SQL_TRACKER_STORE_SSL_MODE.
    result = probe(TRACKER_STORE + "  sslmode: verify-full\n", pg_env(postgres_tls) | pg_tls_env(postgres_tls))
    assert result.code == 1, result.explain()
    assert result.part("tracker_store")["error"] == (
        f"{result.file}: tracker_store: SQLTrackerStore never reads 'sslmode' (the key is silently ignored)"
    )


def test_sql_tracker_store_rejects_a_certificate_its_ca_did_not_sign(probe, postgres_tls):
    # Verified TLS is real: with the system CA store instead of the throwaway CA, Rasa cannot connect.
    # Rasa itself still builds the store (it only logs "Could not create tables"); the probe does not.
    env = pg_env(postgres_tls) | {
        "SQL_TRACKER_STORE_SSL_MODE": "verify-full",
        "SQL_TRACKER_STORE_SSL_ROOT_CERTIFICATE": "/etc/ssl/certs/ca-certificates.crt",
    }
    result = probe(TRACKER_STORE, env)
    assert result.code == 1, result.explain()
    error = result.part("tracker_store")["error"]
    assert error.startswith(f"{result.file}: tracker_store: SQLTrackerStore was built but cannot reach the database"), error
    assert "SSL error: certificate verify failed" in error


@pytest.mark.parametrize(("mode", "connects"), [("verify-full", False), ("verify-ca", True)])
def test_a_certificate_for_another_host_fails_verify_full_and_passes_verify_ca(probe, postgres_wrong_host, mode, connects):
    # The same CA signed it, for db.elsewhere.invalid: only the host name check can tell. verify-full
    # (AWS, Azure, self-managed) refuses it; verify-ca (Cloud SQL by IP) accepts it, by design.
    env = pg_env(postgres_wrong_host) | {
        "SQL_TRACKER_STORE_SSL_MODE": mode,
        "SQL_TRACKER_STORE_SSL_ROOT_CERTIFICATE": str(postgres_wrong_host.ca_cert),
    }
    result = probe(TRACKER_STORE, env)
    if connects:
        assert result.code == 0, result.explain()
        assert f"with TLS, sslmode={mode}" in result.checked("tracker_store")
    else:
        assert result.code == 1, result.explain()
        error = result.part("tracker_store")["error"]
        assert "cannot reach the database" in error and "db.elsewhere.invalid" in error, error


# --- lock store: Redis over TLS --------------------------------------------------------------------


def test_concurrent_redis_lock_store_locks_and_releases_over_tls(probe, redis_tls):
    result = probe(LOCK_STORE, redis_env(redis_tls))
    assert result.code == 0, result.explain()
    assert result.part("lock_store")["built"] == "ConcurrentRedisLockStore"
    checked = result.checked("lock_store")
    assert f"Redis client for {redis_tls.host}:{redis_tls.port} db 1, TLS (CA {redis_tls.ca_cert})" in checked
    assert "locked conversation 'rasa-probe-" in checked
    assert "released it: the store holds no lock for it" in checked


def test_lock_store_with_url_instead_of_host_is_caught_although_localhost_answers(probe, redis_tls):
    # ConcurrentRedisLockStore reads `host` only: `url` is ignored and it falls back to localhost, where
    # the test Redis also listens (its certificate names localhost too), so locking would succeed.
    result = probe(LOCK_STORE.replace("  host:", "  url:"), redis_env(redis_tls))
    assert result.code == 1, result.explain()
    error = result.part("lock_store")["error"]
    assert error == (
        f"{result.file}: lock_store: ConcurrentRedisLockStore never reads 'url' (the key is silently ignored); "
        f"it uses localhost:{redis_tls.port} instead"
    )


# --- event broker: Kafka SASL_SSL (no broker: librdkafka must accept Rasa's producer settings) ------


def test_kafka_sasl_ssl_without_ssl_check_hostname_is_refused_by_librdkafka(probe, proof_tls):
    result = probe(KAFKA_SASL_SSL, kafka_env(proof_tls.ca_cert))
    assert result.code == 1, result.explain()
    error = result.part("event_broker")["error"]
    assert error.startswith(f"{result.file}: event_broker: librdkafka refused the producer config: "), error
    assert '"ssl.endpoint.identification.algorithm" cannot be set to empty value' in error


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "PLAIN"])
def test_kafka_sasl_ssl_with_ssl_check_hostname_builds_the_producer(probe, proof_tls, mechanism):
    result = probe(KAFKA_SASL_SSL + "  ssl_check_hostname: true\n", kafka_env(proof_tls.ca_cert, mechanism))
    assert result.code == 0, result.explain()
    assert result.part("event_broker")["built"] == "KafkaEventBroker"
    checked = result.checked("event_broker")
    assert '"ssl.endpoint.identification.algorithm": "https"' in checked
    assert f'"sasl.mechanism": "{mechanism}"' in checked
    assert "KafkaEventBroker._create_producer() built a confluent_kafka.Producer (nothing sent)" in checked


def test_kafka_url_as_a_yaml_list_is_caught(probe, proof_tls):
    yaml = KAFKA_SASL_SSL.replace("url: ${KAFKA_BOOTSTRAP}", "url: [127.0.0.1:1, 127.0.0.1:2]")
    result = probe(yaml + "  ssl_check_hostname: true\n", kafka_env(proof_tls.ca_cert))
    assert result.code == 1, result.explain()
    assert result.part("event_broker")["error"].startswith(f"{result.file}: event_broker: url is a list")


# --- a complete file: Vault-held database credentials, every part ----------------------------------

VAULT_AND_TRACKER_STORE = """
secrets_manager:
  type: vault
  url: ${VAULT_ADDRESS}
  secrets_path: rasa-secrets
tracker_store:
  type: SQL
  dialect: postgresql
  url: ${DB_HOST}
  port: ${DB_PORT}
  db: ${DB_NAME}
  username:
    source: secrets_manager.vault
    secret_key: sql_store_username
  password:
    source: secrets_manager.vault
    secret_key: sql_store_password
"""

COMPLETE = (
    VAULT_AND_TRACKER_STORE
    + """
action_endpoint:
  url: grpc://localhost:5055
  cafile: ${ACTION_CA}
nlg:
  url: https://nlg.internal:8443/nlg
models:
  url: https://models.internal/models/model.tar.gz
  wait_time_between_pulls: 60
"""
    + LOCK_STORE
    + KAFKA_SASL_SSL
    + "  ssl_check_hostname: true\n"
)


def complete_env(pg: ServerFacts, redis: ServerFacts, vault: VaultFacts) -> dict[str, str]:
    return (
        {key: value for key, value in pg_env(pg).items() if key not in ("DB_USER", "DB_PASSWORD")}
        | pg_tls_env(pg)
        | redis_env(redis)
        | kafka_env(pg.ca_cert)
        | {"VAULT_ADDRESS": vault.url, "VAULT_TOKEN": vault.token, "VAULT_CACERT": str(vault.ca_cert)}
        | {"ACTION_CA": str(pg.ca_cert)}
    )


def test_complete_file_with_vault_held_database_credentials_works(probe, postgres_tls, redis_tls, vault_tls):
    vault_tls.kv_put("rasa-secrets", sql_store_username=postgres_tls.user, sql_store_password=postgres_tls.password)
    result = probe(COMPLETE, complete_env(postgres_tls, redis_tls, vault_tls))
    assert result.code == 0, result.explain()
    assert result.report["ok"] is True
    built = {name: part["built"] for name, part in result.report["parts"].items()}
    assert built == {
        "endpoints": "AvailableEndpoints",
        "secrets_manager": "VaultSecretsManager",
        "lock_store": "ConcurrentRedisLockStore",
        "event_broker": "KafkaEventBroker",
        "tracker_store": "SQLTrackerStore (in AuthRetryTrackerStore)",
        "action_endpoint": "GRPCCustomActionExecutor (in RetryCustomActionExecutor)",
        "nlg": "CallbackNaturalLanguageGenerator",
        "models": "EndpointConfig",
    }
    vault_checked = result.checked("secrets_manager")
    assert f"token looked up on {vault_tls.url}" in vault_checked
    assert "token is renewable: Rasa started its renewal scheduler" in vault_checked
    assert "tracker_store reads ['password', 'username'] from it" in vault_checked
    assert "read it back equal" in result.checked("tracker_store")
    assert "gRPC TLS channel and ActionServiceStub built for localhost:5055" in result.checked("action_endpoint")


def test_vault_without_its_ca_certificate_fails_naming_secrets_manager(probe, postgres_tls, redis_tls, vault_tls):
    env = complete_env(postgres_tls, redis_tls, vault_tls)
    del env["VAULT_CACERT"]
    result = probe(VAULT_AND_TRACKER_STORE, env)
    assert result.code == 1, result.explain()
    error = result.part("secrets_manager")["error"]
    assert error.startswith(f"{result.file}: secrets_manager: VaultSecretsManager could not look its token up"), error
    assert "CERTIFICATE_VERIFY_FAILED" in error


def test_vault_secret_missing_a_key_the_tracker_store_names_fails(probe, postgres_tls, redis_tls, vault_tls):
    vault_tls.kv_put("rasa-secrets-partial", sql_store_username=postgres_tls.user)
    yaml = VAULT_AND_TRACKER_STORE.replace("secrets_path: rasa-secrets", "secrets_path: rasa-secrets-partial")
    result = probe(yaml, complete_env(postgres_tls, redis_tls, vault_tls))
    assert result.code == 1, result.explain()
    assert result.part("secrets_manager")["error"] == (
        f"{result.file}: secrets_manager: the secret has no key for tracker_store password -> 'sql_store_password'"
    )


def test_vault_offline_builds_the_client_without_a_server(probe):
    yaml = "secrets_manager:\n  type: vault\n  url: https://127.0.0.1:1\n  secrets_path: rasa-secrets\n"
    result = probe(yaml, {"VAULT_TOKEN": "unused"}, "--vault-offline")
    assert result.code == 0, result.explain()
    assert result.part("secrets_manager")["built"].startswith("hvac.v1.Client (offline")
    missing_token = probe(yaml, {}, "--vault-offline")
    assert missing_token.code == 1, missing_token.explain()
    assert "VAULT_TOKEN is missing" in missing_token.part("secrets_manager")["error"]


# --- the file itself -------------------------------------------------------------------------------


def test_unset_variable_and_unknown_top_level_key_fail_naming_the_file(probe, postgres_tls):
    unset = probe(TRACKER_STORE, {})
    assert unset.code == 1, unset.explain()
    assert unset.part("endpoints")["error"].startswith(f"{unset.file}: Rasa cannot read the file")
    assert "${DB_HOST}" in unset.part("endpoints")["error"]

    helm_1x = TRACKER_STORE.replace("tracker_store:", "trackerStore:\n  enabled: true")
    unknown = probe(helm_1x, pg_env(postgres_tls))
    assert unknown.code == 1, unknown.explain()
    assert unknown.part("endpoints")["error"] == (
        f"{unknown.file}: trackerStore: Rasa Pro 3.21 reads no such top-level key (ignored)"
    )
