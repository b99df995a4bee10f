"""Prove the site's endpoints.yml files against real services, on the ports the files name.

    unshare --net -- python -m tests.proof.site_proof <workdir> <cases.json> <rasa-python>

Run inside a private network namespace (its own loopback), so that PostgreSQL and Redis can
listen on exactly the ports the files name (5432, 6379, 10000, ...) whatever runs on the
machine, and nothing here can reach or be reached from outside. For each case (a file and the
variables the site lists for it) the environment is set as a user would set it: each variable
that a ${VAR} placeholder uses gets the address or credential of the local service that
placeholder's key configures; the variables Rasa reads itself get the value the Helm values
give the pod (or the site's example). The test CA plays the part of the public CAs a real
machine trusts. Rasa's own code then builds every part (tests/proof/rasa_probe.py --plan).

Prints one JSON object: {"ok": bool, "reports": [...]} (the probe's reports, in case order).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.proof import provider_ports as ports
from tests.proof.services import HOST, PostgresServer, RedisServer, TLSFiles, VaultFacts, VaultServer, make_tls

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
KAFKA_BOOTSTRAP = f"{HOST}:9093"  # no broker: Rasa's producer is built, never connected
VAULT_USERNAME_KEY = "sql_store_username"
REDIS_BLOCKS = {"lock_store", "timer_store"}  # both in the lock store's Redis
DEPENDENT = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\$")
VAULT_PASSWORD_KEY = "sql_store_password"


def placeholders(node: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """(key path, variable) for every ${VAR} in the file."""
    out: list[tuple[tuple[str, ...], str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out += placeholders(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += placeholders(value, (*path, str(index)))
    elif isinstance(node, str):
        out += [(path, name) for name in PLACEHOLDER.findall(node)]
    return out


class Services:
    def __init__(self, workdir: Path, cases: list[dict[str, Any]]) -> None:
        self.workdir = workdir
        self.tls: TLSFiles = make_tls(workdir / "tls")
        self.cases = cases
        self.files = [yaml.safe_load(Path(c["file"]).read_text()) or {} for c in cases]
        self.postgres: PostgresServer | None = None
        self.redis: dict[int, RedisServer] = {}
        self.vault: VaultServer | None = None
        self.vault_facts: dict[str | None, VaultFacts] = {}
        self.facts: dict[str, Any] = {}

    def start(self) -> None:
        # The stand-ins listen where each provider's service does (provider_ports.py), whatever
        # port the files name: a file with the wrong port then fails to connect.
        clouds = [c["cloud"] for c in self.cases]
        postgres = {
            ports.port(ports.POSTGRES, cloud) for cloud, f in zip(clouds, self.files, strict=True) if "tracker_store" in f
        }
        if len(postgres) > 1:
            raise SystemExit(f"the providers document several PostgreSQL ports {sorted(postgres)}; one server is started")
        if postgres:
            self.postgres = PostgresServer(self.workdir / "postgres", self.tls, port=postgres.pop())
            self.facts["postgres"] = self.postgres.start()
        redis = {ports.port(ports.REDIS, cloud) for cloud, f in zip(clouds, self.files, strict=True) if REDIS_BLOCKS & set(f)}
        for port in sorted(redis):
            server = RedisServer(self.workdir / f"redis-{port}", self.tls, port=port)
            server.start()
            self.redis[port] = server
        namespaces = {f["secrets_manager"].get("namespace") for f in self.files if "secrets_manager" in f}
        if namespaces:
            self.vault = VaultServer(self.workdir / "vault", self.tls)
            root = self.vault.start()
            for namespace in sorted(namespaces, key=str):
                self.vault_facts[namespace] = self._vault_in(root, namespace)

    def _vault_in(self, root: VaultFacts, namespace: str | None) -> VaultFacts:
        """The tracker store's credentials in KV v2 at secret/, and a token that may read them, in `namespace`."""
        pg = self.facts["postgres"]
        if namespace is None:
            facts = root
        else:
            root.cli("namespace", "create", namespace)
            scoped = ["-namespace", namespace]
            root.cli("secrets", "enable", *scoped, "-path=secret", "kv-v2")
            root.cli("policy", "write", *scoped, "rasa", "-", stdin=VaultServer.POLICY)
            created = json.loads(root.cli("token", "create", *scoped, "-policy=rasa", "-ttl=1h", "-format=json"))
            facts = VaultFacts(root.url, root.ca_cert, created["auth"]["client_token"], root.root_token, root.bao, root.log)
        args = ["-namespace", namespace] if namespace else []
        for file in self.files:
            path = file.get("secrets_manager", {}).get("secrets_path", "rasa-secrets")
            if file.get("secrets_manager", {}).get("namespace") == namespace:
                root.cli(
                    "kv", "put", *args, f"secret/{path}", f"{VAULT_USERNAME_KEY}={pg.user}", f"{VAULT_PASSWORD_KEY}={pg.password}"
                )
        return facts

    def stop(self) -> None:
        for server in [self.vault, *self.redis.values(), self.postgres]:
            if server is not None:
                server.stop()

    def value_for(self, cloud: str, file: dict[str, Any], path: tuple[str, ...], var: dict[str, Any]) -> str:
        block, key = path[0], path[-1]
        if var.get("file"):
            return str(self.tls.ca_cert)  # a CA certificate the site tells the user to download
        pg = self.facts.get("postgres")
        if block == "tracker_store" and pg is not None:
            return str({"url": pg.host, "db": pg.db, "username": pg.user, "password": pg.password}.get(key, var.get("example")))
        if block in REDIS_BLOCKS:
            redis = self.redis[ports.port(ports.REDIS, cloud)]
            return {"host": HOST, "password": redis.password, "ssl_ca_certs": str(self.tls.ca_cert)}.get(
                key, str(var.get("example"))
            )
        if block == "event_broker":
            return {"url": KAFKA_BOOTSTRAP, "sasl_username": "rasa", "sasl_password": "not-sent"}.get(
                key, str(var.get("example"))
            )
        if block == "secrets_manager" and key == "url":
            return self.vault_facts[file["secrets_manager"].get("namespace")].url
        return str(var.get("pod_value") or var.get("example") or "")

    def trust(self) -> dict[str, str]:
        # The providers' certificates chain to public CAs in the machine's store; here the test CA
        # does. The machine's setting, not the deployment's.
        return {"SSL_CERT_FILE": str(self.tls.ca_cert), "REQUESTS_CA_BUNDLE": str(self.tls.ca_cert)}

    def environment(
        self, cloud: str, file: dict[str, Any], variables: list[dict[str, Any]], strict: bool = True
    ) -> dict[str, str]:
        """What a user exports: each listed variable, with the address or credential of the local service
        its placeholder configures. `strict`: a placeholder with no listed variable stops the proof."""
        by_name = {v["name"]: v for v in variables}
        env: dict[str, str] = self.trust()
        for path, name in placeholders(file):
            if name not in by_name:
                if not strict:
                    continue
                raise SystemExit(f"${{{name}}} is used at {'.'.join(path)} but the site lists no such variable")
            env[name] = self.value_for(cloud, file, path, by_name[name])
        for var in variables:
            if var["name"] in env:
                continue
            if var.get("file"):
                env[var["name"]] = str(self.tls.ca_cert)
            elif var["name"] == "VAULT_TOKEN" and "secrets_manager" in file:
                env[var["name"]] = self.vault_facts[file["secrets_manager"].get("namespace")].token
            else:
                env[var["name"]] = str(var.get("pod_value") or var.get("example") or "set-by-the-proof")
        return env

    def pod_environment(self, cloud: str, file: dict[str, Any], case: dict[str, Any]) -> dict[str, str]:
        """Exactly what the rendered Rasa Pro container gets: the user exports the Kubernetes variables,
        deploy.sh puts them into the Secret and ConfigMaps, and the chart's env entries read those keys."""
        exported = self.environment(cloud, file, case["variables"], strict=False)
        env: dict[str, str] = {}
        for entry in case["pod"]:
            name = entry["name"]
            if "value" in entry:
                # Kubernetes expands $(NAME) from the entries before it; $$ stands for $.
                env[name] = DEPENDENT.sub(lambda m: env.get(m.group(1), m.group(0)) if m.group(1) else "$", entry["value"])
            elif "var" in entry:
                if entry["var"] in exported:
                    env[name] = exported[entry["var"]]
            else:
                env[name] = entry["chart"]
        return {**env, **self.trust()}


def main(argv: list[str]) -> int:
    workdir, cases_file, rasa_python = Path(argv[0]), Path(argv[1]), argv[2]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    cases = json.loads(cases_file.read_text())
    services = Services(workdir, cases)
    try:
        services.start()
        plan = [
            {
                "file": c["file"],
                "config": c.get("config"),
                "credentials": c.get("credentials"),
                "env": (
                    services.pod_environment(c["cloud"], f, c)
                    if "pod" in c
                    else services.environment(c["cloud"], f, c["variables"])
                ),
            }
            for c, f in zip(cases, services.files, strict=True)
        ]
        plan_file = workdir / "plan.json"
        plan_file.write_text(json.dumps(plan, indent=1))
        probe = Path(__file__).with_name("rasa_probe.py")
        proc = subprocess.run([rasa_python, str(probe), "--plan", str(plan_file)], capture_output=True, text=True, timeout=900)
        (workdir / "probe.log").write_text(proc.stderr)
        if not proc.stdout.strip():
            print(
                json.dumps({"ok": False, "error": f"the probe printed nothing (exit {proc.returncode}): {proc.stderr[-3000:]}"})
            )
            return 1
        print(proc.stdout)
        return 0 if proc.returncode == 0 else 1
    finally:
        services.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
