"""Where each provider's service listens, as the provider documents it: the proof starts its
stand-in servers there, not where the file under test says, so a file that names the wrong port
fails to connect (a proof that took the port from the file could not fail).

Each entry: cloud id -> (port, the provider's page that states it).
"""

from __future__ import annotations

REDIS = {
    "aws": (6379, "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Endpoints.html"),
    "azure": (10000, "https://learn.microsoft.com/en-us/azure/redis/overview"),
    "gcp": (6378, "https://cloud.google.com/memorystore/docs/redis/about-in-transit-encryption"),
    "self-managed": (6379, "https://valkey.io/topics/encryption/"),
}
POSTGRES = {
    "aws": (5432, "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ConnectToPostgreSQLInstance.html"),
    "azure": (5432, "https://learn.microsoft.com/en-us/azure/postgresql/flexible-server/how-to-connect-tls-ssl"),
    "gcp": (5432, "https://cloud.google.com/sql/docs/postgres/connect-overview"),
    "self-managed": (5432, "https://cloudnative-pg.io/documentation/current/service_management/"),
}


def port(table: dict[str, tuple[int, str]], cloud: str) -> int:
    if cloud not in table:
        raise SystemExit(f"no documented port for cloud '{cloud}' in tests/proof/provider_ports.py: add it with its source")
    return table[cloud][0]
